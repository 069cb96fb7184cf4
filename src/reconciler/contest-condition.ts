/**
 * The trigger's `Contested` condition (contest.ts): True, reason `OtherFieldManager`, while another
 * field manager keeps changing a field Koreo applies, naming the field and the manager; False,
 * reason `Resolved`, once Koreo's correction held. Written like the give-up condition (give-up.ts):
 * the trigger re-read, the one entry merged with COND-1, the others kept, through the engine's
 * status writer. A run keeps a True `Contested` entry in the list it writes (parent-status.ts), so
 * the condition changes only when the contest does; a False one goes with the next run's status.
 */
import { objectKey } from "../cluster/index.ts";
import type { ClusterApi, KubeObject } from "../cluster/index.ts";
import { mergeCondition } from "../logic/index.ts";
import type { TriggerRef } from "../queue/index.ts";
import { isMap, type ValueMap } from "../value/index.ts";
import { CONTESTED_CONDITION, conditionTime, writeParentPatch } from "../workflow/index.ts";
import type { ContestStatement } from "./contest.ts";

export function contestPatch(trigger: KubeObject, statement: Exclude<ContestStatement, { kind: "none" }>, now: number): ValueMap {
  const status = isMap(trigger.status) ? trigger.status : {};
  const condition =
    statement.kind === "contested"
      ? { type: CONTESTED_CONDITION, status: "True", reason: "OtherFieldManager", message: statement.message }
      : { type: CONTESTED_CONDITION, status: "False", reason: "Resolved", message: statement.message };
  return { status: { conditions: mergeCondition(status.conditions, condition, conditionTime(now)) } };
}

/** Returns an error description instead of throwing: failing to state a contest must not stop the record from being stored. */
export async function writeContestCondition(
  cluster: ClusterApi,
  ref: TriggerRef,
  statement: Exclude<ContestStatement, { kind: "none" }>,
  now: number,
): Promise<string | undefined> {
  const got = await cluster.get(ref);
  if (!got.ok) return got.error.reason === "NotFound" ? undefined : `GET ${objectKey(ref)}: ${got.error.reason}: ${got.error.message}`;
  if (!isMap(got.value.metadata) || got.value.metadata.uid !== ref.uid) return undefined;
  const written = await writeParentPatch(cluster, ref, got.value, contestPatch(got.value, statement, now), "koreo");
  return written.ok || written.error.reason === "NotFound" ? undefined : `${written.error.reason}: ${written.error.message}`;
}
