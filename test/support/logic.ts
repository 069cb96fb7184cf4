/** Fixture builders for function tests: definitions from YAML, a lookup over prepared entries. */
import assert from "node:assert/strict";
import { parse } from "yaml";
import type { Definition, DefinitionLookup, KoreoKind, PrepareOutcome, PreparedOf, RegistryEntry } from "../../src/definitions/definition.ts";
import { isMap, type Value, type ValueMap } from "../../src/value/value.ts";

/** A Definition as the loader would give it; `spec` is YAML text (ints as bigints) or a Value map. */
export function definition(kind: KoreoKind, name: string, spec: string | ValueMap, namespace = "ns"): Definition {
  const parsed = typeof spec === "string" ? (parse(spec, { intAsBigInt: true }) as Value) : spec;
  const body = isMap(parsed) ? parsed : {};
  return {
    kind,
    name,
    namespace,
    spec: body,
    raw: { apiVersion: "koreo.dev/v1beta1", kind, metadata: { name, namespace }, spec: body },
    positionOf: () => undefined,
  };
}

export function yamlValue(text: string): Value {
  return parse(text, { intAsBigInt: true }) as Value;
}

export function ready<T>(outcome: PrepareOutcome<T>): T {
  if (!outcome.ok) assert.fail(`preparation failed: ${outcome.outcome.message}`);
  return outcome.value;
}

/** A mutable lookup, like the registry: entries can be added after functions were prepared. */
export function createLookup(): DefinitionLookup & {
  put<T>(definition: Definition, prepared: PrepareOutcome<T>): void;
  remove(kind: KoreoKind, name: string): void;
} {
  const entries = new Map<string, RegistryEntry>();
  let revision = 0;
  return {
    get: <K extends KoreoKind>(kind: K, name: string) => entries.get(`${kind}/${name}`) as RegistryEntry<PreparedOf<K>> | undefined,
    put: (definition, prepared) => void entries.set(`${definition.kind}/${definition.name}`, { definition, prepared, revision: ++revision }),
    remove: (kind, name) => void entries.delete(`${kind}/${name}`),
  };
}
