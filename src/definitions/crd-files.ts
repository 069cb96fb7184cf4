/**
 * Reads the bundled CRDs (infra/crds/*.yaml): the files users apply to a cluster are the
 * validator's schemas too (VAL-2, CRD-5), so the two can never drift. This module and
 * load-files.ts are the only file I/O of the definitions layer. `KOREO_CRD_DIR` points
 * elsewhere when the code is bundled away from the repository layout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type { KoreoKind } from "./definition.ts";
import type { JsonSchema } from "./openapi.ts";

const CRD_FILES: Readonly<Record<KoreoKind, string>> = {
  ValueFunction: "valuefunctions.koreo.dev.yaml",
  ResourceFunction: "resourcefunctions.koreo.dev.yaml",
  ResourceTemplate: "resourcetemplates.koreo.dev.yaml",
  Workflow: "workflows.koreo.dev.yaml",
  FunctionTest: "functiontests.koreo.dev.yaml",
};

export function crdDirectory(): string {
  return process.env.KOREO_CRD_DIR ?? fileURLToPath(new URL("../../infra/crds/", import.meta.url));
}

export function crdPath(kind: KoreoKind): string {
  return join(crdDirectory(), CRD_FILES[kind]);
}

function dig(value: unknown, ...keys: Array<string | number>): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** The whole CRD document of a kind, or an Error naming the file. */
export function readCrd(kind: KoreoKind): Record<string, unknown> | Error {
  const file = crdPath(kind);
  try {
    const crd: unknown = parse(readFileSync(file, "utf8"));
    if (typeof crd !== "object" || crd === null) return new Error(`${file} is not a CustomResourceDefinition`);
    return crd as Record<string, unknown>;
  } catch (error) {
    return new Error(`cannot read the ${kind} CRD ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const specSchemas = new Map<KoreoKind, JsonSchema | Error>();

/** The `spec` part of the v1beta1 openAPIV3Schema (VAL-2), read once per kind. */
export function readSpecSchema(kind: KoreoKind): JsonSchema | Error {
  const cached = specSchemas.get(kind);
  if (cached !== undefined) return cached;
  const schema = extractSpecSchema(kind);
  specSchemas.set(kind, schema);
  return schema;
}

function extractSpecSchema(kind: KoreoKind): JsonSchema | Error {
  const crd = readCrd(kind);
  if (crd instanceof Error) return crd;
  const versions = dig(crd, "spec", "versions");
  const version = Array.isArray(versions) ? versions.find((v) => dig(v, "name") === "v1beta1") : undefined;
  const spec = dig(version, "schema", "openAPIV3Schema", "properties", "spec");
  if (typeof spec !== "object" || spec === null) return new Error(`${crdPath(kind)} has no v1beta1 spec schema`);
  return spec as JsonSchema;
}
