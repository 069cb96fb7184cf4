/**
 * Label and field selectors of a list or watch request, parsed once per request
 * into a predicate. The grammar lives in value/selectors.ts, shared with the
 * in-memory cluster adapter; here a bad selector becomes a 400.
 */
import { matchesSelector, parseFieldSelector, parseSelector, type Parsed, type Requirement } from "../value/selectors.ts";
import { badRequest } from "./errors.ts";
import { meta, str, stringMap, type JsonObject } from "./json.ts";

export type ObjectFilter = (obj: JsonObject) => boolean;

function orBadRequest(parsed: Parsed<Requirement[]>): Requirement[] {
  if (!parsed.ok) throw badRequest(parsed.message);
  return parsed.value;
}

function fieldsOf(obj: JsonObject): Record<string, string> {
  const m = meta(obj);
  return { "metadata.name": str(m["name"]) ?? "", "metadata.namespace": str(m["namespace"]) ?? "" };
}

export function buildFilter(labelSelector: string | null, fieldSelector: string | null): ObjectFilter | undefined {
  const labels = orBadRequest(parseSelector(labelSelector ?? ""));
  const fields = orBadRequest(parseFieldSelector(fieldSelector ?? ""));
  if (labels.length === 0 && fields.length === 0) return undefined;
  return (obj) => {
    if (!matchesSelector(labels, stringMap(meta(obj)["labels"]))) return false;
    return fields.length === 0 || matchesSelector(fields, fieldsOf(obj));
  };
}
