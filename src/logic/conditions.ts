/**
 * COND-1: merging one condition into a status `conditions` list keyed by `type`. Pure.
 * Kept apart from workflow/conditions.ts `applyConditions` (ST-8) on purpose: COND-1 keeps the
 * entry's other fields and moves `lastTransitionTime` on a `status` change only; ST-8 replaces the
 * entry and, per its recommendation, also counts a `reason` change as a transition.
 */
import { isList, isMap, type Value, type ValueMap } from "../value/index.ts";

export interface ConditionUpdate {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly location?: string;
}

/**
 * Returns a new list: the condition of the same type updated in place, or the new
 * condition appended. `lastTransitionTime` only moves when `status` changes (or was
 * never set); `lastUpdateTime` is always `nowIso` (ISO-8601 UTC). Entries that are
 * not conditions are kept untouched; a non-list `list` counts as empty.
 */
export function mergeCondition(list: Value | undefined, condition: ConditionUpdate, nowIso: string): Value[] {
  const current = isList(list) ? list : [];
  const index = current.findIndex((c) => isMap(c) && c.type === condition.type);
  const existing = index >= 0 ? (current[index] as ValueMap) : undefined;
  const merged = mergeOne(existing, condition, nowIso);
  if (index < 0) return [...current, merged];
  return current.map((c, i) => (i === index ? merged : c));
}

function mergeOne(existing: ValueMap | undefined, condition: ConditionUpdate, nowIso: string): ValueMap {
  const transitioned = existing === undefined || existing.status !== condition.status || typeof existing.lastTransitionTime !== "string";
  const merged: ValueMap = { ...(existing ?? {}), type: condition.type, status: condition.status };
  merged.reason = condition.reason;
  merged.message = condition.message;
  // `location` is replaced like the other fields, so an update without one clears it.
  delete merged.location;
  if (condition.location !== undefined) merged.location = condition.location;
  merged.lastUpdateTime = nowIso;
  merged.lastTransitionTime = transitioned ? nowIso : (existing.lastTransitionTime ?? nowIso);
  return merged;
}
