/** RF-24: the owner reference a managed resource should carry. */
import { metadataOf } from "../../cluster/index.ts";
import { isList, isMap, type Value, type ValueMap } from "../../value/index.ts";
import type { Owner, OwnerReference } from "../types.ts";
import type { Identity } from "./identity.ts";

/** "Should own": `owned`, and the owner lives in the resource's namespace (never cluster-scoped ones). */
export function owningReference(owned: boolean, owner: Owner | undefined, id: Identity): OwnerReference | undefined {
  if (!owned || owner === undefined || id.namespace === undefined) return undefined;
  return owner.namespace === id.namespace ? owner.reference : undefined;
}

export function ownerReferenceValue(ref: OwnerReference): ValueMap {
  const out: ValueMap = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
  if (ref.blockOwnerDeletion !== undefined) out.blockOwnerDeletion = ref.blockOwnerDeletion;
  if (ref.controller !== undefined) out.controller = ref.controller;
  return out;
}

/** The well-formed owner references of an object; a corrupt shape counts as none (RF-24 recommendation). */
export function ownerReferencesOf(object: Value | undefined): ValueMap[] {
  const metadata = isMap(object) ? object.metadata : undefined;
  const refs = isMap(metadata) ? metadata.ownerReferences : undefined;
  return isList(refs) ? refs.filter(isMap) : [];
}

export function hasOwner(object: Value | undefined, uid: string): boolean {
  return ownerReferencesOf(object).some((r) => r.uid === uid);
}

/** A copy of `body` whose `metadata.ownerReferences` is `existing` plus the owner (no duplicate uid). */
export function withOwnerReference(body: ValueMap, existing: readonly ValueMap[], ref: OwnerReference): ValueMap {
  const refs = existing.some((r) => r.uid === ref.uid) ? [...existing] : [...existing, ownerReferenceValue(ref)];
  const metadata = metadataOf(body);
  return { ...body, metadata: { ...metadata, ownerReferences: refs } };
}
