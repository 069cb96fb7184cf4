/**
 * SRV-7: when system errors reach the give-up limit, the trigger itself says so,
 * not only the log and the gate record: its `Ready` condition becomes a failure
 * naming the last error and that retries stopped. Reason `Failure`, as the engine
 * writes for PermFail (ST-4), because the effect is the same: nothing runs again
 * until the trigger or its Workflow changes (or a force request). The entry is
 * updated in place with COND-1 (`mergeCondition`), every other condition kept.
 */
import { objectKey } from "../cluster/index.ts";
import type { ClusterApi, KubeObject } from "../cluster/index.ts";
import { mergeCondition } from "../logic/index.ts";
import { type TriggerRef } from "../queue/index.ts";
import { isMap, type ValueMap } from "../value/index.ts";
import { conditionTime } from "../workflow/index.ts";
import { writeParentPatch } from "../workflow/index.ts";

export function giveUpMessage(attempts: number, lastError: string | undefined): string {
  return `Gave up after ${attempts} consecutive system errors; retries stopped until the trigger or its Workflow changes. Last error: ${lastError ?? "unknown"}`;
}

/** The merge patch of `status.conditions` (a list is replaced whole, so it carries the others unchanged). */
export function giveUpPatch(trigger: KubeObject, message: string, now: number): ValueMap {
  const status = isMap(trigger.status) ? trigger.status : {};
  const conditions = mergeCondition(status.conditions, { type: "Ready", status: "True", reason: "Failure", message }, conditionTime(now));
  // ST-3: `location` is part of the shape; a system error has none.
  return { status: { conditions: conditions.map((c) => (isMap(c) && c.type === "Ready" ? { ...c, location: null } : c)) } };
}

/**
 * Re-reads the trigger (the failed run may have written status meanwhile) and writes the condition
 * with the engine's status writer (ST-1). Gone means nothing to say.
 * Returns an error description instead of throwing: failing to state the failure must not stop the
 * give-up record from being stored.
 */
export async function writeGiveUpCondition(cluster: ClusterApi, ref: TriggerRef, message: string, now: number): Promise<string | undefined> {
  const got = await cluster.get(ref);
  if (!got.ok) return got.error.reason === "NotFound" ? undefined : `GET ${objectKey(ref)}: ${got.error.reason}: ${got.error.message}`;
  if (!isMap(got.value.metadata) || got.value.metadata.uid !== ref.uid) return undefined;
  const written = await writeParentPatch(cluster, ref, got.value, giveUpPatch(got.value, message, now), "koreo");
  return written.ok || written.error.reason === "NotFound" ? undefined : `${written.error.reason}: ${written.error.message}`;
}
