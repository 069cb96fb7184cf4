/**
 * Metadata rules shared by every write: names, identity fields the server owns,
 * and what counts as a spec change for `generation`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { badRequest, invalid } from "./errors.ts";
import { clone, isObject, meta, str, type JsonObject } from "./json.ts";
import { valuesEqual } from "../value/index.ts";
import { apiVersionOf, type ResourceType } from "./resource-type.ts";

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Fields clients may not set: the server assigns them or carries them over. */
const SERVER_OWNED = ["uid", "creationTimestamp", "resourceVersion", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"];

function generatedSuffix(): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join("");
}

/**
 * Checks an incoming body against the URL it was sent to and returns a copy whose
 * apiVersion, kind, name and namespace are filled in. `owned`: the body was just
 * decoded from the request and nothing else holds it, so it is filled in itself
 * rather than in a copy.
 */
export function normalizeIncoming(type: ResourceType, body: unknown, namespace: string, urlName: string | undefined, owned = false): JsonObject {
  if (!isObject(body)) throw badRequest("the request body must be a JSON object");
  const obj: JsonObject = owned ? body : clone(body);
  const apiVersion = apiVersionOf(type);
  if (obj["apiVersion"] !== undefined && obj["apiVersion"] !== apiVersion)
    throw badRequest(`the API version in the data (${String(obj["apiVersion"])}) does not match the expected API version (${apiVersion})`);
  if (obj["kind"] !== undefined && obj["kind"] !== type.kind)
    throw badRequest(`the kind in the data (${String(obj["kind"])}) does not match the expected kind (${type.kind})`);
  obj["apiVersion"] = apiVersion;
  obj["kind"] = type.kind;
  const m: JsonObject = { ...meta(obj) };
  obj["metadata"] = m;
  const bodyNs = str(m["namespace"]);
  if (type.namespaced) {
    if (bodyNs !== undefined && bodyNs !== "" && bodyNs !== namespace)
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    m["namespace"] = namespace;
  } else delete m["namespace"];
  const name = str(m["name"]);
  if (urlName !== undefined) {
    if (name !== undefined && name !== "" && name !== urlName)
      throw badRequest(`the name of the object (${name}) does not match the name on the URL (${urlName})`);
    m["name"] = urlName;
  } else if ((name === undefined || name === "") && typeof m["generateName"] === "string") {
    m["name"] = `${m["generateName"]}${generatedSuffix()}`;
  }
  validateName(type, str(m["name"]));
  return obj;
}

function validateName(type: ResourceType, name: string | undefined): void {
  if (name === undefined || name === "")
    throw invalid(type.kind, "", [{ field: "metadata.name", message: "Required value: name or generateName is required" }]);
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw invalid(type.kind, name, [
      {
        field: "metadata.name",
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      },
    ]);
  }
}

/** Metadata for a brand-new object. */
export function initializeMetadata(obj: JsonObject, now: Date): void {
  const m = meta(obj);
  for (const f of SERVER_OWNED) delete m[f];
  m["uid"] = randomUUID();
  m["creationTimestamp"] = timestamp(now);
  m["generation"] = 1;
}

/** Copies the fields the server owns from the stored object onto an update. */
export function carryServerFields(next: JsonObject, old: JsonObject): void {
  const m = meta(next);
  const o = meta(old);
  for (const f of SERVER_OWNED) {
    if (o[f] === undefined) delete m[f];
    else m[f] = o[f]!;
  }
}

function withoutMetaAndStatus(obj: JsonObject): JsonObject {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

export function specChanged(old: JsonObject, next: JsonObject): boolean {
  return !valuesEqual(withoutMetaAndStatus(old), withoutMetaAndStatus(next));
}

/**
 * Equal apart from fields that change on every write anyway. Ownership counts
 * for applies (a second manager co-owning a field is a change), minus timestamps.
 */
export function sameContent(a: JsonObject, b: JsonObject, compareOwnership: boolean): boolean {
  return valuesEqual(withoutWriteStamps(a, compareOwnership), withoutWriteStamps(b, compareOwnership));
}

function withoutWriteStamps(o: JsonObject, keepOwnership: boolean): JsonObject {
  const { resourceVersion: _rv, managedFields, ...m } = meta(o);
  if (keepOwnership && Array.isArray(managedFields)) m["managedFields"] = managedFields.map((e) => (isObject(e) ? { ...e, time: null } : e));
  return { ...o, metadata: m };
}

/** The last second formatted: writes come many to a second, and each stamps a time or two. */
let stampedSecond = NaN;
let stamp = "";

export function timestamp(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== stampedSecond) {
    stamp = d.toISOString().replace(/\.\d{3}Z$/, "Z");
    stampedSecond = second;
  }
  return stamp;
}

export function finalizers(obj: JsonObject): string[] {
  const f = meta(obj)["finalizers"];
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === "string") : [];
}

export function isTerminating(obj: JsonObject): boolean {
  return typeof meta(obj)["deletionTimestamp"] === "string";
}
