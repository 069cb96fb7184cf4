import type { Definition, ForeignDocument, KoreoKind, Problem } from "../definitions/definition.ts";
import { loadPaths } from "../definitions/load-files.ts";
import type { Registry } from "../definitions/registry.ts";
import { createKoreoRegistry, type KoreoRegistryOptions } from "./registry.ts";

export interface LoadedProgram {
  readonly registry: Registry;
  /** Load problems, then each definition's preparation problems (Workflow step errors included). */
  readonly problems: readonly Problem[];
  /** Documents that are not Koreo kinds (CRDs, objects to seed a cluster with…). */
  readonly foreign: readonly ForeignDocument[];
}

/** CTL-1: dependencies first, so most definitions prepare once. */
const LOAD_ORDER: readonly KoreoKind[] = ["ResourceTemplate", "ValueFunction", "ResourceFunction", "Workflow", "FunctionTest"];

/** Loads files and directories and prepares every definition they hold. */
export async function loadProgram(paths: readonly string[], options: KoreoRegistryOptions = {}): Promise<LoadedProgram> {
  const loaded = await loadPaths(paths);
  const registry = createKoreoRegistry(options);
  const ordered = [...loaded.definitions].sort((a, b) => LOAD_ORDER.indexOf(a.kind) - LOAD_ORDER.indexOf(b.kind));
  for (const definition of ordered) registry.upsert(definition);
  const problems = [...loaded.problems, ...ordered.flatMap((d) => preparationProblems(registry, d))];
  return { registry, problems, foreign: loaded.foreign };
}

function preparationProblems(registry: Registry, definition: Definition): readonly Problem[] {
  const entry = registry.get(definition.kind, definition.name);
  if (entry === undefined || entry.definition !== definition) return [];
  // A Workflow's step errors ride in `warnings` with severity "error" (see workflowProblems).
  return entry.prepared.ok ? (entry.prepared.warnings ?? []) : entry.prepared.problems;
}
