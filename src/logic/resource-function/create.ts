/** RF-21: creating the missing resource. Postconditions and return are not evaluated on this pass. */
import { Outcome } from "../../outcome/index.ts";
import type { ValueMap } from "../../value/index.ts";
import { createFailure } from "./api-errors.ts";
import { bodyToSend } from "./last-applied.ts";
import { ownerReferencesOf, withOwnerReference } from "./owner.ts";
import type { ReconcileState } from "./reconcile-state.ts";
import { forceIdentity } from "./target.ts";
import { sendable } from "./sendable.ts";

export async function createResource(state: ReconcileState, target: ValueMap): Promise<Outcome> {
  const { fn, display } = state;
  const { delay } = fn.create;
  const overlaid = fn.create.overlay?.apply(target, state.scope);
  if (overlaid !== undefined && !overlaid.ok) return overlaid.outcome;
  const base = forceIdentity(overlaid?.value ?? target, state.identity);
  const owned = state.owner ? withOwnerReference(base, ownerReferencesOf(base), state.owner) : base;
  const body = sendable(() => bodyToSend(owned), display);
  if (!body.ok) return body.outcome;
  const created = await state.cluster.create(body.value, { plural: state.ref.plural });
  return created.ok ? Outcome.retry(delay, `Creating ${display}.`) : createFailure(created.error, display, delay);
}
