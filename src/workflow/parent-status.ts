import type { ClusterApi, ClusterResult, KubeObject, ObjectRef } from "../cluster/index.ts";
import { applyMergePatch } from "../value/index.ts";
import { valuesEqual } from "../value/index.ts";
import { isList, isMap, toJsonText, type Value, type ValueMap } from "../value/index.ts";
import { applyConditions, conditionFor, type ConditionDraft } from "./conditions.ts";
import type { WorkflowRun } from "./run-context.ts";
import { MANAGED_RESOURCES_ANNOTATION } from "./trigger-hash.ts";

export const MERGE_CONDITIONS_ANNOTATION = "koreo.dev/merge-conditions";

export interface StatusOptions {
  readonly now: string;
  readonly standardStatus: boolean;
}

/** ST-7: the list conditions are applied to. */
function startingConditions(trigger: KubeObject): Value[] {
  const annotations = isMap(trigger.metadata) && isMap(trigger.metadata.annotations) ? trigger.metadata.annotations : {};
  if (annotations[MERGE_CONDITIONS_ANNOTATION] !== "true") return [];
  const current = currentConditions(trigger);
  return isList(current) ? current : [];
}

function currentConditions(trigger: KubeObject): Value | undefined {
  return isMap(trigger.status) ? trigger.status.conditions : undefined;
}

/** ST-6: step conditions in declaration order, then the Workflow's `Ready`. */
function runConditions(run: WorkflowRun, workflowName: string, standardStatus: boolean): ConditionDraft[] {
  const drafts: ConditionDraft[] = [];
  for (const step of run.steps) {
    if (step.condition) drafts.push(conditionFor(step.condition.type, step.condition.name, step.outcome, workflowName, standardStatus));
  }
  drafts.push(conditionFor("Ready", `Workflow ${workflowName}`, run.outcome, workflowName, standardStatus));
  return drafts;
}

/** ST-10: diagnostics; null keys remove what an earlier run left there. */
function koreoBlock(run: WorkflowRun): ValueMap {
  const stateErrors = Object.keys(run.stateErrors).length > 0 ? { ...run.stateErrors } : null;
  const failed = run.outcome.kind === "Retry" || run.outcome.kind === "PermFail";
  return {
    errors: failed ? (run.outcome.message ?? null) : null,
    locations: failed ? (run.outcome.location ?? null) : null,
    state_errors: stateErrors,
  };
}

/**
 * The runtime's `Contested` condition (another field manager keeps changing a field Koreo applies;
 * reconciler/contest.ts) is not a run's to clear: while it is True it stays in the list a run writes,
 * so a contest is stated once instead of being removed and re-added every pass. Absent (nobody else
 * writes), the list is exactly ST-7's; once the contest ends (False), the next run drops it like
 * any foreign condition.
 */
export const CONTESTED_CONDITION = "Contested";

function keepContested(conditions: Value[], trigger: KubeObject): Value[] {
  const current = currentConditions(trigger);
  const contested = isList(current) ? current.find((c) => isMap(c) && c.type === CONTESTED_CONDITION && c.status === "True") : undefined;
  if (contested === undefined || conditions.some((c) => isMap(c) && c.type === CONTESTED_CONDITION)) return conditions;
  return [...conditions, contested];
}

/** ST-1: the one merge patch a run sends to the trigger (ST-6..ST-11). */
export function runPatch(trigger: KubeObject, run: WorkflowRun, workflowName: string, options: StatusOptions): ValueMap {
  const drafts = runConditions(run, workflowName, options.standardStatus);
  return {
    metadata: { annotations: { [MANAGED_RESOURCES_ANNOTATION]: toJsonText(run.managedResources) } },
    status: {
      conditions: keepContested(applyConditions(startingConditions(trigger), drafts, currentConditions(trigger), options.now), trigger),
      state: run.state,
      koreo: koreoBlock(run),
    },
  };
}

/** ST-12: a selection error writes only a `Ready` condition (status "false") and the error text. */
export function selectionErrorPatch(trigger: KubeObject, reason: string, message: string, options: StatusOptions): ValueMap {
  const draft: ConditionDraft = { type: "Ready", status: options.standardStatus ? "False" : "false", reason, message, location: null };
  return {
    status: {
      conditions: applyConditions(startingConditions(trigger), [draft], currentConditions(trigger), options.now),
      koreo: { errors: message, locations: null },
    },
  };
}

/** ST-2 recommendation: would the patch change anything but condition `lastUpdateTime`s? */
export function patchChanges(trigger: KubeObject, patch: ValueMap): boolean {
  return !valuesEqual(withoutUpdateTimes(applyMergePatch(trigger, patch)), withoutUpdateTimes(trigger));
}

function withoutUpdateTimes(object: Value): Value {
  if (!isMap(object) || !isMap(object.status) || !isList(object.status.conditions)) return object;
  const conditions = object.status.conditions.map((c) => {
    if (!isMap(c)) return c;
    const { lastUpdateTime: _ignored, ...rest } = c;
    return rest;
  });
  return { ...object, status: { ...object.status, conditions } };
}

/**
 * ST-1/ST-2, the one writer of a trigger's status: a merge patch to the main endpoint and, when the
 * kind has a status subresource (where the main endpoint ignores `status`), the status part to
 * `/status`; each part only when it changes the trigger. A pass that changes only the status so
 * writes once. Resolves to the trigger as last written, or as it was when nothing changed.
 */
export async function writeParentPatch(
  cluster: Pick<ClusterApi, "mergePatch" | "discover">,
  ref: ObjectRef,
  trigger: KubeObject,
  patch: ValueMap,
  fieldManager: string,
): Promise<ClusterResult<KubeObject>> {
  const kind = await cluster.discover(ref.apiVersion, ref.kind);
  const split = kind.ok && kind.value.hasStatus && patch.status !== undefined;
  const { status, ...rest } = patch;
  const parts: { patch: ValueMap; subresource?: "status" }[] = split
    ? [{ patch: rest }, { patch: { status: status ?? null }, subresource: "status" }]
    : [{ patch }];
  let written: ClusterResult<KubeObject> = { ok: true, value: trigger };
  for (const part of parts) {
    if (Object.keys(part.patch).length === 0 || !patchChanges(trigger, part.patch)) continue;
    written = await cluster.mergePatch(ref, part.patch, { fieldManager, ...(part.subresource && { subresource: part.subresource }) });
    if (!written.ok) return written;
  }
  return written;
}
