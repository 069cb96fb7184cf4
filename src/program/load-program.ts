import type { ForeignDocument, Problem } from "../definitions/index.ts";
import { loadPaths } from "../definitions/index.ts";
import { loadRegistry } from "../definitions/index.ts";
import type { Registry } from "../definitions/index.ts";
import { KOREO_PREPARERS, type KoreoRegistryOptions } from "./registry.ts";

export interface LoadedProgram {
  readonly registry: Registry;
  /** Load problems, then each definition's preparation problems (Workflow step errors included), positioned. */
  readonly problems: readonly Problem[];
  /** Documents that are not Koreo kinds (CRDs, objects to seed a cluster with…). */
  readonly foreign: readonly ForeignDocument[];
}

/** Loads files and directories and prepares every definition they hold, dependencies first (CTL-1). */
export async function loadProgram(paths: readonly string[], options: KoreoRegistryOptions = {}): Promise<LoadedProgram> {
  const loaded = await loadPaths(paths);
  const { registry, problems } = loadRegistry(loaded, KOREO_PREPARERS, options);
  return { registry, problems: [...loaded.problems, ...problems], foreign: loaded.foreign };
}
