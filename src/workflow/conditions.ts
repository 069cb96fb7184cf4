import type { Outcome } from "../outcome/index.ts";
import { isList, isMap, type Value, type ValueMap } from "../value/index.ts";

/** A condition before timestamps: what a run (or a selection error) wants to say. */
export interface ConditionDraft {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly location: string | null;
}

/**
 * ST-4/ST-5: the condition for `thing` (`condition.name`, or `Workflow <wf>`). `status`
 * is always "True" like the reference, unless the opt-in standard statuses are asked for.
 */
export function conditionFor(type: string, thing: string, outcome: Outcome, workflowName: string, standardStatus: boolean): ConditionDraft {
  const status = standardStatus ? standardStatusOf(outcome) : "True";
  const location = outcome.kind === "Ok" ? workflowName : (outcome.location ?? null);
  const m = outcome.kind === "Ok" ? undefined : outcome.message || undefined;
  switch (outcome.kind) {
    case "Ok":
      return { type, status, reason: "Ready", message: `${thing} ready.`, location };
    case "Skip":
      return { type, status, reason: "Skip", message: m ? `Skipping ${thing}: ${m}` : `${thing} management is disabled.`, location };
    case "DepSkip":
      return {
        type,
        status,
        reason: "DepSkip",
        message: m ? `${thing} awaiting dependencies to be ready (${m})` : `${thing} awaiting dependencies to be ready.`,
        location,
      };
    case "Retry":
      return { type, status, reason: "Wait", message: m ? `Awaiting ${thing} to be ready (${m}).` : `Awaiting ${thing} to be ready.`, location };
    case "PermFail":
      return { type, status, reason: "Failure", message: `Unrecoverable error reconciling ${thing}. (${m ?? "None"}).`, location };
  }
}

function standardStatusOf(outcome: Outcome): string {
  if (outcome.kind === "Ok") return "True";
  return outcome.kind === "PermFail" ? "False" : "Unknown";
}

/** ST-3: UTC ISO-8601 with microseconds and `+00:00`. */
export function conditionTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

/**
 * ST-6..ST-8: apply drafts one by one to the starting list (empty, or the current list
 * under `koreo.dev/merge-conditions`): same type updates in place, else append.
 * `previous` is the trigger's current list; with the ST-8 recommendation a condition
 * keeps its earlier `lastTransitionTime` while its status and reason are unchanged.
 * Not functions/conditions.ts `mergeCondition` (COND-1), on purpose: that one keeps the entry's
 * other fields and ignores `reason`, and it reads the previous entry from the list it updates.
 */
export function applyConditions(starting: readonly Value[], drafts: readonly ConditionDraft[], previous: Value | undefined, now: string): Value[] {
  const list = [...starting];
  const before = isList(previous) ? previous.filter(isMap) : [];
  for (const draft of drafts) {
    const old = before.find((c) => c.type === draft.type);
    const unchanged = old !== undefined && old.status === draft.status && old.reason === draft.reason;
    const transition = unchanged && typeof old.lastTransitionTime === "string" ? old.lastTransitionTime : now;
    const condition: ValueMap = { ...draft, lastTransitionTime: transition, lastUpdateTime: now };
    const at = list.findIndex((c) => isMap(c) && c.type === draft.type);
    if (at === -1) list.push(condition);
    else list[at] = condition;
  }
  return list;
}
