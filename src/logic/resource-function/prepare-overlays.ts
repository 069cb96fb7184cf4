/**
 * RF-30 / RF-31: `spec.overlays` prepared item by item. Item failures are not
 * load errors of the function: they combine (OUT-4) into one outcome that every
 * reconcile reaching step 8 returns.
 */
import type { DefinitionLookup, DefinitionRef } from "../../definitions/index.ts";
import { prepareBody, prepareMapBody, prepareOverlay } from "../../expressions/index.ts";
import { combineOutcomes, renderOutcome } from "../../outcome/index.ts";
import { Outcome } from "../../outcome/index.ts";
import { isList, isMap, toJsonText, type Value, type ValueMap } from "../../value/index.ts";
import type { PreparedOverlayItem, PreparedOverlays, PreparedValueFunction } from "../types.ts";

/** RF-30 / RF-44: a missing or unhealthy overlay ValueFunction retries after the default 60 s. */
const MISSING_VALUE_FUNCTION_DELAY = 60;

type ItemResult = { ok: true; item: PreparedOverlayItem } | { ok: false; outcome: Outcome };

export interface OverlaysPreparation {
  readonly overlays: PreparedOverlays;
  /** CACHE-4: every ValueFunction named by an overlayRef, found or not. */
  readonly dependsOn: readonly DefinitionRef[];
}

export function prepareOverlays(spec: Value | undefined, location: string, lookup: DefinitionLookup): OverlaysPreparation {
  if (spec === undefined || spec === null) return { overlays: { ok: true, items: [] }, dependsOn: [] };
  if (!isList(spec)) return { overlays: { ok: false, outcome: invalid(spec) }, dependsOn: [] };
  const dependsOn = spec.flatMap(referencedFunction);
  const results = spec.map((item, index) => prepareItem(item, index, location, lookup));
  const failures = results.flatMap((r) => (r.ok ? [] : [r.outcome]));
  if (failures.length > 0) return { overlays: { ok: false, outcome: combineOutcomes(failures) }, dependsOn };
  const items = results.flatMap((r) => (r.ok ? [r.item] : []));
  return { overlays: { ok: true, items }, dependsOn };
}

function referencedFunction(item: Value): DefinitionRef[] {
  const ref = isMap(item) ? item.overlayRef : undefined;
  return isMap(ref) && typeof ref.name === "string" ? [{ kind: "ValueFunction", name: ref.name }] : [];
}

function invalid(item: Value): Outcome {
  return Outcome.permFail(`Invalid overlays spec: ${safeJson(item)}`);
}

function prepareItem(item: Value, index: number, location: string, lookup: DefinitionLookup): ItemResult {
  if (!isMap(item)) return { ok: false, outcome: invalid(item) };
  const at = `${location}:spec.overlays[${index}]`;
  const skipIf = prepareBody(item.skipIf, `${at}.skipIf`);
  if (!skipIf.ok) return skipIf;
  if ("overlay" in item) return prepareInline(item, index, at, skipIf.value);
  if ("overlayRef" in item) return prepareRef(item, index, at, skipIf.value, lookup);
  return { ok: false, outcome: invalid(item) };
}

function extraKeys(item: ValueMap, allowed: readonly string[]): string[] {
  return Object.keys(item).filter((k) => !allowed.includes(k));
}

function prepareInline(item: ValueMap, index: number, at: string, skipIf: PreparedOverlayItem["skipIf"]): ItemResult {
  const extra = extraKeys(item, ["overlay", "skipIf"]);
  if (extra.length > 0) return { ok: false, outcome: Outcome.permFail(`may not specify ${extra.join(", ")} with overlay`, at) };
  const overlay = prepareOverlay(item.overlay, `${at}.overlay`);
  if (!overlay.ok) return overlay;
  if (overlay.value === undefined) {
    return { ok: false, outcome: Outcome.permFail(`Empty inline overlay (${at}.overlay)`, at) };
  }
  return { ok: true, item: { kind: "inline", index, skipIf, overlay: overlay.value } };
}

function prepareRef(item: ValueMap, index: number, at: string, skipIf: PreparedOverlayItem["skipIf"], lookup: DefinitionLookup): ItemResult {
  const extra = extraKeys(item, ["overlayRef", "inputs", "skipIf"]);
  if (extra.length > 0) return { ok: false, outcome: Outcome.permFail(`may not specify ${extra.join(", ")} with overlayRef`, at) };
  const ref = item.overlayRef;
  if (!isMap(ref) || ref.kind !== "ValueFunction" || typeof ref.name !== "string") return { ok: false, outcome: invalid(item) };
  const fn = readyValueFunction(ref.name, lookup);
  if (!fn.ok) return fn;
  const inputs = prepareMapBody(item.inputs, `${at}.inputs`);
  if (!inputs.ok) return inputs;
  const missing = missingInputs(fn.value, item.inputs);
  if (missing.length > 0) {
    const names = missing.map((n) => `"${n}"`).join(", ");
    return { ok: false, outcome: Outcome.permFail(`${fn.value.name} expected the following inputs ${names}`, `${at}.inputs`) };
  }
  return { ok: true, item: { kind: "ref", index, skipIf, inputs: inputs.value, function: fn.value } };
}

function readyValueFunction(name: string, lookup: DefinitionLookup): { ok: true; value: PreparedValueFunction } | { ok: false; outcome: Outcome } {
  const entry = lookup.get("ValueFunction", name);
  const prepared = entry?.prepared;
  if (prepared?.ok && isPreparedValueFunction(prepared.value)) return { ok: true, value: prepared.value };
  const why = prepared && !prepared.ok ? renderOutcome(prepared.outcome) : "None";
  return { ok: false, outcome: Outcome.retry(MISSING_VALUE_FUNCTION_DELAY, `ValueFunction:${name} not ready (${why})`) };
}

function isPreparedValueFunction(v: unknown): v is PreparedValueFunction {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "ValueFunction";
}

/** RF-31: only first-level names are checked. */
function missingInputs(fn: PreparedValueFunction, inputs: Value | undefined): string[] {
  const provided = isMap(inputs) ? new Set(Object.keys(inputs)) : new Set<string>();
  return [...fn.inputNames].filter((n) => !provided.has(n)).sort();
}

function safeJson(v: Value): string {
  try {
    return toJsonText(v);
  } catch {
    return String(v);
  }
}
