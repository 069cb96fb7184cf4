import type { DefinitionLookup, DefinitionRef } from "../definitions/definition.ts";
import type { PreparedResourceFunction, PreparedValueFunction } from "../logic/index.ts";
import { Outcome } from "../outcome/outcome.ts";
import { isMap, type Value } from "../value/value.ts";
import type { LogicTarget, PreparedWorkflow } from "./prepared-workflow.ts";

/** CTL-20: Retry delays for a Logic reference that is missing or failed to prepare. */
export const NOT_CACHED_DELAY = 15;
export const NOT_HEALTHY_DELAY = 180;

import { LOGIC_KINDS } from "./references.ts";

export type Resolved = { readonly ok: true; readonly target: LogicTarget } | { readonly ok: false; readonly outcome: Outcome };

/**
 * WF-7: resolve one `{kind, name}` through the definition lookup.
 * `where` names the reference in messages (`spec.steps['a']`, `…refSwitch.cases[0]`).
 */
export function resolveLogic(spec: Value | undefined, where: string, label: string, lookup: DefinitionLookup): Resolved {
  const kind = isMap(spec) ? spec.kind : undefined;
  const name = isMap(spec) ? spec.name : undefined;
  if (typeof kind !== "string" || kind === "") return prepareError(`Missing \`${where}.kind\``);
  if (typeof name !== "string" || name === "") return prepareError(`Missing \`${where}.name\``);
  if (!LOGIC_KINDS.has(kind)) return prepareError(`Invalid \`${where}.kind\` (${kind})`);
  const ref = { kind, name } as DefinitionRef;
  const location = `spec.steps['${label}'].${kind}:${name}`;
  const entry = lookup.get(ref.kind, name);
  if (entry === undefined) {
    return { ok: false, outcome: Outcome.retry(NOT_CACHED_DELAY, `'${kind}:${name}' not cached; will retry.`, location) };
  }
  if (!entry.prepared.ok) {
    const reason = entry.prepared.outcome.message ?? "None";
    return { ok: false, outcome: Outcome.retry(NOT_HEALTHY_DELAY, `'${kind}:${name}' is not healthy (${reason}); will retry.`, location) };
  }
  return { ok: true, target: toTarget(ref, entry.prepared.value) };
}

function prepareError(text: string): Resolved {
  return { ok: false, outcome: Outcome.permFail(`${text}, can not prepare Workflow.`) };
}

/** The registry stores prepared values untyped; the preparer of each kind decides their shape. */
function toTarget(ref: DefinitionRef, prepared: unknown): LogicTarget {
  switch (ref.kind) {
    case "ValueFunction":
      return { kind: "ValueFunction", name: ref.name, fn: prepared as PreparedValueFunction };
    case "ResourceFunction":
      return { kind: "ResourceFunction", name: ref.name, fn: prepared as PreparedResourceFunction };
    default:
      return { kind: "Workflow", name: ref.name, workflow: prepared as PreparedWorkflow };
  }
}
