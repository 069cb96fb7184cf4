import { isList, isMap, type Value, type ValueMap } from "../value/index.ts";
import type { KubeObject, ObjectRef } from "./cluster-api.ts";

/** Read-only views of the metadata fields adapters care about; absent or mistyped fields read as absent. */
export function metadataOf(object: KubeObject): ValueMap {
  const metadata = object.metadata;
  return isMap(metadata) ? metadata : {};
}

export function stringAt(map: ValueMap | undefined, key: string): string | undefined {
  const value = map?.[key];
  return typeof value === "string" ? value : undefined;
}

export function labelsOf(object: KubeObject): Record<string, string> {
  return stringsAt(metadataOf(object), "labels");
}

export function annotationsOf(object: KubeObject): Record<string, string> {
  return stringsAt(metadataOf(object), "annotations");
}

function stringsAt(metadata: ValueMap, key: string): Record<string, string> {
  const map = metadata[key];
  const out: Record<string, string> = {};
  if (!isMap(map)) return out;
  for (const [name, value] of Object.entries(map)) if (typeof value === "string") out[name] = value;
  return out;
}

export function finalizersOf(object: KubeObject): string[] {
  const finalizers = metadataOf(object).finalizers;
  return isList(finalizers) ? finalizers.filter((f): f is string => typeof f === "string") : [];
}

export function ownerUidsOf(object: KubeObject): string[] {
  const refs = metadataOf(object).ownerReferences;
  if (!isList(refs)) return [];
  return refs.flatMap((ref: Value) => {
    const uid = isMap(ref) ? ref.uid : undefined;
    return typeof uid === "string" ? [uid] : [];
  });
}

/** The identity of an object as an ObjectRef (namespace omitted when absent). */
export function refOf(object: KubeObject): ObjectRef {
  const metadata = metadataOf(object);
  const base = {
    apiVersion: typeof object.apiVersion === "string" ? object.apiVersion : "",
    kind: typeof object.kind === "string" ? object.kind : "",
    name: stringAt(metadata, "name") ?? "",
  };
  const namespace = stringAt(metadata, "namespace");
  return namespace === undefined ? base : { ...base, namespace };
}

export function resourceVersionOf(object: KubeObject): string | undefined {
  return stringAt(metadataOf(object), "resourceVersion");
}

export function uidOf(object: KubeObject): string | undefined {
  return stringAt(metadataOf(object), "uid");
}

/** How logs, metrics and messages name an object: `Kind:namespace/name`, or `Kind:name` when cluster-scoped. */
export function objectKey(ref: Pick<ObjectRef, "kind" | "namespace" | "name">): string {
  return ref.namespace === undefined ? `${ref.kind}:${ref.name}` : `${ref.kind}:${ref.namespace}/${ref.name}`;
}

/** `metadata` replaced by a function of itself; the object is not mutated. */
export function withMetadata(object: KubeObject, change: (metadata: ValueMap) => ValueMap): KubeObject {
  return { ...object, metadata: change({ ...metadataOf(object) }) };
}

/** `group` of an apiVersion: "" for the core group ("v1"). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}
