/**
 * Label and field selectors, parsed once per request into a predicate.
 * Grammar (as kube-apiserver): comma-separated requirements, each one of
 * `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
 */
import { badRequest } from "./errors.ts";
import { meta, str, stringMap, type JsonObject } from "./json.ts";

type Requirement =
  | { op: "eq" | "neq"; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: Set<string> }
  | { op: "exists" | "absent"; key: string };

export type ObjectFilter = (obj: JsonObject) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

const SET_RE = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQ_RE = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;
const KEY_RE = /^(!?)\s*([^\s!=(),]+)$/;

function parseRequirement(text: string): Requirement {
  const set = SET_RE.exec(text);
  if (set !== null) {
    const values = new Set(set[3]!.split(",").map((v) => v.trim()).filter((v) => v !== ""));
    return { op: set[2] === "in" ? "in" : "notin", key: set[1]!, values };
  }
  const eq = EQ_RE.exec(text);
  if (eq !== null) return { op: eq[2] === "!=" ? "neq" : "eq", key: eq[1]!, value: eq[3]! };
  const key = KEY_RE.exec(text);
  if (key !== null) return { op: key[1] === "!" ? "absent" : "exists", key: key[2]! };
  throw badRequest(`unable to parse requirement: "${text}"`);
}

function matches(req: Requirement, fields: Record<string, string>): boolean {
  const has = Object.hasOwn(fields, req.key);
  const v = fields[req.key];
  switch (req.op) {
    case "eq":
      return v === req.value;
    case "neq":
      return v !== req.value;
    case "in":
      return has && req.values.has(v!);
    case "notin":
      return !has || !req.values.has(v!);
    case "exists":
      return has;
    case "absent":
      return !has;
  }
}

export function parseSelector(text: string | null): Requirement[] {
  if (text === null || text.trim() === "") return [];
  return splitTopLevel(text).map(parseRequirement);
}

const SUPPORTED_FIELDS = new Set(["metadata.name", "metadata.namespace"]);

function fieldsOf(obj: JsonObject): Record<string, string> {
  const m = meta(obj);
  return { "metadata.name": str(m["name"]) ?? "", "metadata.namespace": str(m["namespace"]) ?? "" };
}

export function buildFilter(labelSelector: string | null, fieldSelector: string | null): ObjectFilter | undefined {
  const labels = parseSelector(labelSelector);
  const fields = parseSelector(fieldSelector);
  for (const f of fields) {
    if (!SUPPORTED_FIELDS.has(f.key)) throw badRequest(`field label not supported: ${f.key}`);
    if (f.op !== "eq" && f.op !== "neq") throw badRequest(`invalid field selector operator for ${f.key}`);
  }
  if (labels.length === 0 && fields.length === 0) return undefined;
  return (obj) => {
    const objLabels = stringMap(meta(obj)["labels"]);
    if (!labels.every((r) => matches(r, objLabels))) return false;
    if (fields.length === 0) return true;
    const objFields = fieldsOf(obj);
    return fields.every((r) => matches(r, objFields));
  };
}
