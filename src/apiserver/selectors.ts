/**
 * Label and field selectors of a list or watch request, parsed once per request
 * into a predicate. The grammar lives in value/selectors.ts, shared with the
 * in-memory cluster adapter; here a bad selector becomes a 400.
 */
import { matchesSelector, parseFieldSelector, parseSelector, SELECTABLE_FIELDS, type Parsed, type Requirement } from "../value/index.ts";
import { badRequest } from "./errors.ts";
import { isObject, meta, str, stringMap, type JsonObject } from "./json.ts";

export type ObjectFilter = (obj: JsonObject) => boolean;

function orBadRequest(parsed: Parsed<Requirement[]>): Requirement[] {
  if (!parsed.ok) throw badRequest(parsed.message);
  return parsed.value;
}

/**
 * Events also select on what they are about, as on a real server: `kubectl describe` lists an
 * object's Events with `involvedObject.*` selectors.
 */
const EVENT_FIELDS = [
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "type",
  "source",
  "reportingComponent",
];
const EVENT_SELECTABLE: ReadonlySet<string> = new Set([...SELECTABLE_FIELDS, ...EVENT_FIELDS]);

function fieldsOf(obj: JsonObject, kind: string): Record<string, string> {
  const m = meta(obj);
  const base = { "metadata.name": str(m["name"]) ?? "", "metadata.namespace": str(m["namespace"]) ?? "" };
  if (kind !== "Event") return base;
  const about = typeof obj["involvedObject"] === "object" && obj["involvedObject"] !== null ? (obj["involvedObject"] as JsonObject) : {};
  const source = typeof obj["source"] === "object" && obj["source"] !== null ? (obj["source"] as JsonObject) : {};
  const events: Record<string, string> = { source: str(source["component"]) ?? "", reason: str(obj["reason"]) ?? "", type: str(obj["type"]) ?? "" };
  events["reportingComponent"] = str(obj["reportingComponent"]) ?? "";
  for (const field of ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"])
    events[`involvedObject.${field}`] = str(about[field]) ?? "";
  return { ...base, ...events };
}

/**
 * The string labels of an object, as selectors see them. A list tests the same stored
 * objects again and again, and stored objects never change in place (json.ts), so each
 * labels map is converted once.
 */
const labelMaps = new WeakMap<JsonObject, Readonly<Record<string, string>>>();
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

function labelsOf(obj: JsonObject): Readonly<Record<string, string>> {
  const labels = meta(obj)["labels"];
  if (!isObject(labels)) return NO_LABELS;
  let map = labelMaps.get(labels);
  if (map === undefined) {
    map = stringMap(labels);
    labelMaps.set(labels, map);
  }
  return map;
}

export function buildFilter(labelSelector: string | null, fieldSelector: string | null, kind = ""): ObjectFilter | undefined {
  const labels = orBadRequest(parseSelector(labelSelector ?? ""));
  const fields = orBadRequest(parseFieldSelector(fieldSelector ?? "", kind === "Event" ? EVENT_SELECTABLE : SELECTABLE_FIELDS));
  if (labels.length === 0 && fields.length === 0) return undefined;
  return (obj) => {
    if (!matchesSelector(labels, labelsOf(obj))) return false;
    return fields.length === 0 || matchesSelector(fields, fieldsOf(obj, kind));
  };
}
