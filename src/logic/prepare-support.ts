/** Helpers shared by the three preparers: locations, failures, input names. VAL-8 `prepareLocation` is definitions'. */
import type { Definition, DefinitionRef, PrepareOutcome, Problem } from "../definitions/index.ts";
import { prepareLocation } from "../definitions/index.ts";
import { validateDefinition } from "../definitions/index.ts";
import { Outcome, type PermFail } from "../outcome/index.ts";
import type { Value, ValueMap } from "../value/index.ts";
import { isMap } from "../value/index.ts";

/** `<Kind>:<ns>:<name>`, or `<Kind>:<name>` without a namespace: the prefix of evaluation locations (OUT-7). */
export function functionLocation(definition: Definition): string {
  const { kind, namespace, name } = definition;
  return namespace ? `${kind}:${namespace}:${name}` : `${kind}:${name}`;
}

/** A failed preparation: the PermFail relocated per VAL-8, plus the matching problem for lint output. */
export function prepareFailure<T>(
  definition: Definition,
  field: string | undefined,
  outcome: PermFail,
  dependsOn: readonly DefinitionRef[] = [],
): PrepareOutcome<T> {
  const message = outcome.message ?? "invalid definition";
  const position = field ? definition.positionOf(field) : definition.source;
  const problem: Problem = {
    severity: "error",
    message,
    kind: definition.kind,
    name: definition.name,
    ...(definition.namespace ? { namespace: definition.namespace } : {}),
    ...(field ? { path: field } : {}),
    ...(position ? { file: position.file, line: position.line, column: position.column } : {}),
  };
  return { ok: false, outcome: Outcome.permFail(message, prepareLocation(definition, field)), dependsOn, problems: [problem] };
}

export function fail<T>(definition: Definition, field: string | undefined, message: string): PrepareOutcome<T> {
  return prepareFailure(definition, field, Outcome.permFail(message));
}

/** RF-31: first-level `inputs.X` names among the dotted paths a body reads. */
export function inputNamesOf(bodies: readonly ({ readonly references: ReadonlySet<string> } | undefined)[]): Set<string> {
  const names = new Set<string>();
  for (const body of bodies) {
    for (const path of body?.references ?? []) {
      const [root, first] = path.split(".");
      if (root === "inputs" && first) names.add(first);
    }
  }
  return names;
}

/** The failed branch of PrepareOutcome, which fits every prepared type. */
export type PrepareFailure = Extract<PrepareOutcome<never>, { ok: false }>;

/**
 * VAL-2..VAL-7: the spec to prepare from, schema-checked with defaults filled,
 * or the failed preparation (a cached PermFail, VAL-1) with its problems.
 */
export function specOf(definition: Definition): { ok: true; spec: ValueMap } | { ok: false; failure: PrepareFailure } {
  const validated = validateDefinition(definition);
  if (validated.ok) return validated;
  return { ok: false, failure: { ok: false, outcome: validated.outcome, dependsOn: [], problems: validated.problems } };
}

export function mapField(spec: ValueMap, key: string): ValueMap | undefined {
  const v = spec[key];
  return isMap(v) ? v : undefined;
}

export function boolField(spec: ValueMap | undefined, key: string, fallback: boolean): boolean {
  const v = spec?.[key];
  return typeof v === "boolean" ? v : fallback;
}

/** Integer seconds from a schema `integer` field (bigint in our Values). */
export function delayField(spec: ValueMap | undefined, key: string, fallback: number): number {
  const v: Value | undefined = spec?.[key];
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" && Number.isInteger(v)) return v;
  return fallback;
}

/** A field value inside a message: Python-like `None` for absent, JSON-free for scalars. */
export function renderField(v: Value | undefined): string {
  if (v === undefined || v === null) return "None";
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? Number(x) : x));
}
