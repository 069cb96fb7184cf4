/** RF-23 / RF-24 / RF-28: bringing an existing resource back to its target, or deleting it. */
import { Outcome, assertNever } from "../../outcome/index.ts";
import type { KubeObject } from "../../cluster/index.ts";
import type { ValueMap } from "../../value/index.ts";
import { describeDifference, type Difference } from "../compare/compare.ts";
import { deleteFailure, patchFailure } from "./api-errors.ts";
import { bodyToSend } from "./last-applied.ts";
import { ownerReferencesOf, withOwnerReference } from "./owner.ts";
import type { ReconcileState } from "./reconcile-state.ts";
import { sendable } from "./sendable.ts";

/** RF-11 / RF-44: deleteIfExists retries after the load-retry delay. */
export const DELETE_IF_EXISTS_DELAY = 30;

export interface Drift {
  readonly difference: Difference;
  /** The owner reference is missing from the live object (RF-24). */
  readonly ownerMissing: boolean;
}

/** `undefined` for `update: never`: the caller carries on with the live resource. */
export async function updateResource(state: ReconcileState, target: ValueMap, live: KubeObject, drift: Drift): Promise<Outcome | undefined> {
  const update = state.fn.update;
  const why = describeDifference(drift.difference);
  switch (update.strategy) {
    case "never":
      return undefined;
    case "recreate":
      return deleteResource(state, update.delay, `Deleting ${state.display} to recreate due to ${why}.`);
    case "patch":
      return patchResource(state, target, live, drift, update.delay, why);
    default:
      return assertNever(update);
  }
}

/** RF-23: merge patch of the whole target; RF-24: the live owners plus ours when ours is missing. */
async function patchResource(state: ReconcileState, target: ValueMap, live: KubeObject, drift: Drift, delay: number, why: string): Promise<Outcome> {
  const owned = drift.ownerMissing && state.owner ? withOwnerReference(target, ownerReferencesOf(live), state.owner) : target;
  const body = sendable(() => bodyToSend(owned), state.display);
  if (!body.ok) return body.outcome;
  const patched = await state.cluster.mergePatch(state.ref, body.value, { plural: state.ref.plural });
  if (!patched.ok) return patchFailure(patched.error, state.display, delay);
  return Outcome.retry(delay, `Patching \`${state.display}\` due to ${why}.`);
}

/** RF-11 / RF-23 / RF-28: a 404 means someone else already deleted it, which is what we wanted. */
export async function deleteResource(state: ReconcileState, delay: number, message: string): Promise<Outcome> {
  const deleted = await state.cluster.delete(state.ref, { plural: state.ref.plural });
  if (deleted.ok || deleted.error.reason === "NotFound") return Outcome.retry(delay, message);
  return deleteFailure(deleted.error, state.display, delay);
}
