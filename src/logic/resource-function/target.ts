/**
 * RF-10 step 8: the Target Resource Specification — base (inline resource,
 * RF-15, or template, RT-4..6), forced identity (RF-16), overlays in order
 * (RF-17), forced identity again.
 */
import type { DefinitionLookup } from "../../definitions/index.ts";
import type { Scope } from "../../expressions/index.ts";
import { Outcome } from "../../outcome/index.ts";
import { isMap, type Value, type ValueMap } from "../../value/index.ts";
import { deepMerge } from "../../value/index.ts";
import { lookupTemplate } from "../resource-template/lookup.ts";
import type { PreparedOverlayItem, PreparedResourceFunction } from "../types.ts";
import { runValueFunction } from "../value-function/run.ts";
import { typeName } from "../value-type.ts";
import type { Identity, Resolved } from "./identity.ts";

export function buildTarget(fn: PreparedResourceFunction, scope: Scope, id: Identity, definitions: DefinitionLookup): Resolved<ValueMap> {
  // RF-30: a broken overlay list surfaces only here, after the read/readonly/create checks.
  if (!fn.overlays.ok) return { ok: false, outcome: fn.overlays.outcome };
  const base = baseSpecification(fn, scope, definitions);
  if (!base.ok) return base;
  let current = forceIdentity(base.value, id);
  for (const item of fn.overlays.items) {
    const next = applyOverlayItem(fn, item, current, scope);
    if (!next.ok) return next;
    current = next.value;
  }
  return { ok: true, value: forceIdentity(current, id) };
}

/** RF-16: identity deep-merged over whatever the body, template or overlays said. */
export function forceIdentity(spec: ValueMap, id: Identity): ValueMap {
  const metadata: ValueMap = id.namespace ? { name: id.name, namespace: id.namespace } : { name: id.name };
  return deepMerge(spec, { apiVersion: id.apiVersion, kind: id.kind, metadata });
}

function baseSpecification(fn: PreparedResourceFunction, scope: Scope, definitions: DefinitionLookup): Resolved<ValueMap> {
  const { source } = fn;
  if (source.kind === "inline") {
    const evaluated = source.body?.evaluate(scope);
    if (evaluated === undefined) return { ok: true, value: {} };
    if (!evaluated.ok) return evaluated;
    return asMapping(evaluated.value, `${fn.location}:spec.resource`);
  }
  return templateSpecification(fn, source.name, scope, definitions);
}

/** RT-4 / RT-5: the template's name is evaluated, then looked up, on every reconcile. */
function templateSpecification(
  fn: PreparedResourceFunction,
  name: Extract<PreparedResourceFunction["source"], { kind: "template" }>["name"],
  scope: Scope,
  definitions: DefinitionLookup,
): Resolved<ValueMap> {
  const evaluated = name?.evaluate(scope);
  if (evaluated !== undefined && !evaluated.ok) return evaluated;
  const value = evaluated?.value ?? null;
  if (typeof value !== "string") {
    const message = `Expected string, but received '${String(value)}' (${typeName(value)}) at \`spec.resourceTemplateRef.name\``;
    return { ok: false, outcome: Outcome.permFail(message, `${fn.location}:spec.resourceTemplateRef.name`) };
  }
  const found = lookupTemplate(definitions, value);
  return found.ok ? { ok: true, value: found.template } : found;
}

function asMapping(value: Value, location: string): Resolved<ValueMap> {
  if (value === null) return { ok: true, value: {} };
  if (isMap(value)) return { ok: true, value };
  const field = location.slice(location.lastIndexOf(":") + 1);
  return { ok: false, outcome: Outcome.permFail(`Expected mapping, but received ${typeName(value)} for \`${field}\``, location) };
}

/** RF-17: skipIf, then the inline overlay or the referenced ValueFunction run onto the current spec. */
function applyOverlayItem(fn: PreparedResourceFunction, item: PreparedOverlayItem, current: ValueMap, scope: Scope): Resolved<ValueMap> {
  const at = `spec.overlays[${item.index}]`;
  const skip = shouldSkip(fn, item, scope, at);
  if (!skip.ok) return skip;
  if (skip.value) return { ok: true, value: current };
  if (item.kind === "inline") {
    const applied = item.overlay.apply(current, scope);
    return applied.ok ? { ok: true, value: applied.value } : applied;
  }
  // RF-31 recommendation: the overlayRef's inputs may read the current specification as `resource`.
  const inputs = item.inputs?.evaluate({ ...scope, resource: current });
  if (inputs !== undefined && !inputs.ok) return inputs;
  const outcome = runValueFunction(item.function, inputs?.value ?? {}, current);
  if (outcome.kind !== "Ok") return { ok: false, outcome };
  if (isMap(outcome.value)) return { ok: true, value: outcome.value };
  const message = `Expected mapping, but received ${typeName(outcome.value)} from ValueFunction:${item.function.name} at \`${at}\``;
  return { ok: false, outcome: Outcome.permFail(message, `${fn.location}:${at}`) };
}

function shouldSkip(fn: PreparedResourceFunction, item: PreparedOverlayItem, scope: Scope, at: string): Resolved<boolean> {
  const evaluated = item.skipIf?.evaluate(scope);
  if (evaluated === undefined) return { ok: true, value: false };
  if (!evaluated.ok) return evaluated;
  if (typeof evaluated.value === "boolean") return { ok: true, value: evaluated.value };
  const message = `Expected boolean, but received ${typeName(evaluated.value)} for '${at}.skipIf'`;
  return { ok: false, outcome: Outcome.permFail(message, `${fn.location}:${at}.skipIf`) };
}
