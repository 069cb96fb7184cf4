import type { DefinitionLookup, PrepareOutcome } from "../definitions/index.ts";
import { Outcome } from "../outcome/index.ts";
import { isMap, type Value } from "../value/index.ts";
import type { LogicTarget } from "./prepared-workflow.ts";

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
  const location = `spec.steps['${label}'].${kind}:${name}`;
  const target = targetOf(kind as LogicKind, name, lookup);
  if (target === undefined) {
    return { ok: false, outcome: Outcome.retry(NOT_CACHED_DELAY, `'${kind}:${name}' not cached; will retry.`, location) };
  }
  if (!target.ok) {
    const reason = target.outcome.message ?? "None";
    return { ok: false, outcome: Outcome.retry(NOT_HEALTHY_DELAY, `'${kind}:${name}' is not healthy (${reason}); will retry.`, location) };
  }
  return { ok: true, target: target.value };
}

type LogicKind = LogicTarget["kind"];

/** The lookup of one Logic kind, typed by its kind: each case reads its own registry entry type. */
function targetOf(kind: LogicKind, name: string, lookup: DefinitionLookup): PrepareOutcome<LogicTarget> | undefined {
  switch (kind) {
    case "ValueFunction":
      return mapPrepared(lookup.get(kind, name)?.prepared, (fn) => ({ kind, name, fn }));
    case "ResourceFunction":
      return mapPrepared(lookup.get(kind, name)?.prepared, (fn) => ({ kind, name, fn }));
    case "Workflow":
      return mapPrepared(lookup.get(kind, name)?.prepared, (workflow) => ({ kind, name, workflow }));
  }
}

function mapPrepared<T>(prepared: PrepareOutcome<T> | undefined, wrap: (value: T) => LogicTarget): PrepareOutcome<LogicTarget> | undefined {
  if (prepared === undefined || !prepared.ok) return prepared;
  return { ...prepared, value: wrap(prepared.value) };
}

function prepareError(text: string): Resolved {
  return { ok: false, outcome: Outcome.permFail(`${text}, can not prepare Workflow.`) };
}
