/**
 * CRD-4 / VAL-1: the `Ready` condition a definition's status should show for its load
 * result. Pure. It lives in the reconciler, not in definitions/, because only the
 * cluster runtime publishes it (the CLI prints problems instead) and because it uses
 * COND-1's merge from functions/, which definitions/ must not import.
 */
import type { DefinitionLookup, DefinitionRef, RegistryEntry } from "../definitions/index.ts";
import { mergeCondition } from "../logic/index.ts";
import { isList, isMap, type Value, type ValueMap } from "../value/index.ts";

export interface Readiness {
  readonly status: "True" | "False";
  readonly reason: "Prepared" | "PrepareFailed" | "DependencyMissing";
  readonly message: string;
}

/**
 * The definition's own PermFail first (its author must fix it whatever else is missing);
 * then a referenced definition that is not cached (REG-3/WF-7 "not cached", a missing
 * overlayRef): waiting for it fixes the definition. A reference that is cached but failed
 * ("not healthy") is PrepareFailed: the dependency exists and carries its own condition.
 * Workflow step errors ride in `warnings` with severity "error" (prepare.ts).
 */
export function readiness(entry: RegistryEntry, lookup: DefinitionLookup): Readiness {
  const prepared = entry.prepared;
  if (!prepared.ok) return { status: "False", reason: "PrepareFailed", message: prepared.outcome.message ?? "Preparation failed." };
  const errors = (prepared.warnings ?? []).filter((p) => p.severity === "error").map((p) => p.message);
  const missing = prepared.dependsOn.filter((ref) => lookup.get(ref.kind, ref.name) === undefined);
  if (missing.length > 0) return { status: "False", reason: "DependencyMissing", message: errors.length > 0 ? errors.join("; ") : missingMessage(missing) };
  if (errors.length > 0) return { status: "False", reason: "PrepareFailed", message: errors.join("; ") };
  return { status: "True", reason: "Prepared", message: "Prepared." };
}

function missingMessage(missing: readonly DefinitionRef[]): string {
  return `Missing ${missing.map((ref) => `'${ref.kind}:${ref.name}'`).join(", ")}.`;
}

/**
 * The `status.conditions` to write, or undefined when `liveStatus` already says `wanted`
 * for this generation: warm containers re-list often and several run at once, so an
 * unchanged definition must cost no write. Other conditions are kept; the Ready entry
 * follows COND-1 (lastTransitionTime moves only when `status` does).
 */
export function desiredConditions(wanted: Readiness, liveStatus: Value | undefined, generation: number | undefined, nowIso: string): Value[] | undefined {
  const live = isMap(liveStatus) ? liveStatus.conditions : undefined;
  const current = readyCondition(live);
  if (current !== undefined && sameReadiness(current, wanted, generation)) return undefined;
  const merged = mergeCondition(live, { type: "Ready", ...wanted }, nowIso);
  if (generation === undefined) return merged;
  return merged.map((c) => (isMap(c) && c.type === "Ready" ? { ...c, observedGeneration: generation } : c));
}

function readyCondition(conditions: Value | undefined): ValueMap | undefined {
  if (!isList(conditions)) return undefined;
  return conditions.find((c): c is ValueMap => isMap(c) && c.type === "Ready");
}

function sameReadiness(current: ValueMap, wanted: Readiness, generation: number | undefined): boolean {
  return (
    current.status === wanted.status &&
    current.reason === wanted.reason &&
    current.message === wanted.message &&
    wholeNumber(current.observedGeneration) === generation &&
    typeof current.lastTransitionTime === "string"
  );
}

/** Whole numbers read through the cluster adapter are bigint (CEL ints); other readers give numbers. */
export function wholeNumber(value: Value | undefined): number | undefined {
  if (typeof value === "bigint") return Number(value);
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}
