/**
 * Events → requests (SRV-1/SRV-2, SRV-9): a trigger event becomes one identity-
 * only request; a definition change becomes a `definitions` request for every
 * trigger the relay knows (the gate keeps only those whose Workflow version moved).
 */
import { metadataOf, resourceVersionOf } from "../cluster/index.ts";
import type { KubeObject, WatchEvent } from "../cluster/index.ts";
import { triggerRefOf, type ReconcileRequest, type TriggerRef } from "../queue/index.ts";
import { isMap } from "../value/index.ts";

/**
 * The request carries the trigger's resourceVersion in the event, so a handler that already
 * reconciled from that version or a later one can drop it without a GET (reconciler/seen.ts).
 */
export function mapTriggerEvent(event: WatchEvent, hash: string): ReconcileRequest[] {
  const trigger = triggerRefOf(event.object);
  if (trigger === undefined) return [];
  const resourceVersion = resourceVersionOf(event.object);
  const request: ReconcileRequest = { trigger, reason: "event", hash: event.type === "DELETED" ? `deleted:${hash}` : hash };
  return [resourceVersion === undefined || resourceVersion === "" ? request : { ...request, resourceVersion }];
}

/**
 * The version of a definition that matters to reconciles: `metadata.generation`, which only a
 * spec change bumps (a status write, CRD-4, or a label change does not), else its resourceVersion.
 * The same rule as the Workflow version (SRV-3), so the relay fans out exactly when that may move.
 */
export function definitionVersionOf(definition: KubeObject): string {
  const metadata = metadataOf(definition);
  const generation = metadata.generation;
  if (typeof generation === "bigint" || typeof generation === "number") return `generation:${generation}`;
  return `resourceVersion:${String(metadata.resourceVersion)}`;
}

/** One fan-out per definition version: `kind/name@version` dedups repeats of the same change. */
export function mapDefinitionChange(definition: KubeObject, triggers: Iterable<TriggerRef>): ReconcileRequest[] {
  const metadata = metadataOf(definition);
  const nonce = `${String(definition.kind)}/${String(metadata.name)}@${definitionVersionOf(definition)}`;
  return [...triggers].map((trigger) => ({ trigger, reason: "definitions", nonce }));
}
