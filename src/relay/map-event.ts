/**
 * Events → requests (SRV-1/SRV-2, SRV-9): a trigger event becomes one identity-
 * only request; a definition change becomes a `definitions` request for every
 * trigger the relay knows (the gate keeps only those whose Workflow version moved).
 */
import type { KubeObject, WatchEvent } from "../cluster/cluster-api.ts";
import { triggerRefOf, type ReconcileRequest, type TriggerRef } from "../queue/messages.ts";
import { isMap } from "../value/value.ts";

export function mapTriggerEvent(event: WatchEvent, hash: string): ReconcileRequest[] {
  const trigger = triggerRefOf(event.object);
  if (trigger === undefined) return [];
  return [{ trigger, reason: "event", hash: event.type === "DELETED" ? `deleted:${hash}` : hash }];
}

/** One fan-out per definition version: `kind/name@resourceVersion` dedups repeats of the same change. */
export function mapDefinitionChange(definition: KubeObject, triggers: Iterable<TriggerRef>): ReconcileRequest[] {
  const metadata = isMap(definition.metadata) ? definition.metadata : {};
  const nonce = `${String(definition.kind)}/${String(metadata.name)}@${String(metadata.resourceVersion)}`;
  return [...triggers].map((trigger) => ({ trigger, reason: "definitions", nonce }));
}
