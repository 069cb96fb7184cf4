/**
 * Managed-object events → drift requests. An event of an object Koreo applied (it carries the
 * last-applied annotation) and owns through a trigger of a bound kind (RF-24 owner reference)
 * re-enqueues that trigger when:
 * - the object now differs from what Koreo applied in a field another field manager wrote
 *   (reconciler drift.ts): Koreo's own writes match, so they enqueue nothing; or
 * - the object was deleted: the trigger's next pass re-creates it.
 * The dedup id carries the object's uid and resourceVersion, so each change is one request and a
 * re-list replays nothing new. Objects without an owner reference (`owned: false`, or in another
 * namespace than their trigger) cannot be traced to a trigger and are left to the periodic resync.
 */
import type { WatchEvent } from "../cluster/index.ts";
import type { ReconcileRequest, TriggerRef } from "../queue/index.ts";
import { LAST_APPLIED_ANNOTATION, type FieldDrift } from "../reconciler/index.ts";
import { isList, isMap, type Value } from "../value/index.ts";
import { kindKey } from "../workflow/index.ts";

/**
 * `triggerKinds`: kindKeys of the bound trigger kinds. `driftOf`: the drifted fields of a live object
 * (passed in so this stays a pure mapping).
 */
export function mapManagedEvent(
  event: WatchEvent,
  triggerKinds: ReadonlySet<string>,
  driftOf: (object: WatchEvent["object"]) => readonly FieldDrift[],
): ReconcileRequest[] {
  if (event.type !== "ADDED" && event.type !== "MODIFIED" && event.type !== "DELETED") return [];
  const metadata = event.object.metadata;
  if (!isMap(metadata) || typeof metadata.uid !== "string") return [];
  const annotations = isMap(metadata.annotations) ? metadata.annotations : {};
  if (typeof annotations[LAST_APPLIED_ANNOTATION] !== "string") return [];
  const owners = ownersOf(metadata.ownerReferences, typeof metadata.namespace === "string" ? metadata.namespace : undefined, triggerKinds);
  if (owners.length === 0) return [];
  if (event.type === "DELETED") return owners.map((trigger) => ({ trigger, reason: "drift", nonce: `${metadata.uid as string}:deleted` }));
  if (driftOf(event.object).length === 0) return [];
  const nonce = `${metadata.uid}:${typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : ""}`;
  return owners.map((trigger) => ({ trigger, reason: "drift", nonce }));
}

/** Owner references to triggers; an owner lives in its dependent's namespace (RF-24). */
function ownersOf(refs: Value | undefined, namespace: string | undefined, triggerKinds: ReadonlySet<string>): TriggerRef[] {
  if (!isList(refs)) return [];
  const out: TriggerRef[] = [];
  for (const ref of refs) {
    if (!isMap(ref)) continue;
    const { apiVersion, kind, name, uid } = ref;
    if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string" || typeof uid !== "string") continue;
    if (!triggerKinds.has(kindKey({ apiVersion, kind }))) continue;
    out.push(namespace === undefined ? { apiVersion, kind, name, uid } : { apiVersion, kind, name, uid, namespace });
  }
  return out;
}
