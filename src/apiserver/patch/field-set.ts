/**
 * Field paths as server-side apply tracks them: segments `f:<field>` for map
 * fields and `k:<json key>` for items of keyed lists, encoded to and from the
 * `FieldsV1` trie kubectl decodes (leaves `{}`, keyed items carry `".": {}`).
 */
import { isObject, type Json, type JsonObject } from "../json.ts";
import { valuesEqual } from "../../value/index.ts";

/** Segments joined by "\n", which JSON-encoded keys can never contain. */
export type FieldPath = string;
export type FieldSet = Set<FieldPath>;

/** Merge key of a list field, or undefined when the list is atomic. */
export type ListKeys = (field: string, items: Json[]) => string | undefined;

const SEP = "\n";

/** Metadata fields that belong to the user; the rest are the server's. */
const TRACKED_METADATA = new Set(["labels", "annotations", "finalizers", "ownerReferences"]);

function itemSegment(item: JsonObject, key: string): string {
  return `k:${JSON.stringify({ [key]: item[key] ?? null })}`;
}

function collect(value: Json, prefix: string, field: string, keys: ListKeys, out: FieldSet): void {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) collect(v, `${prefix}${SEP}f:${k}`, k, keys, out);
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    const key = keys(field, value);
    if (key !== undefined && value.every((i) => isObject(i) && i[key] !== undefined)) {
      for (const item of value as JsonObject[]) {
        const itemPath = `${prefix}${SEP}${itemSegment(item, key)}`;
        out.add(itemPath);
        for (const [k, v] of Object.entries(item)) collect(v, `${itemPath}${SEP}f:${k}`, k, keys, out);
      }
      return;
    }
  }
  out.add(prefix);
}

/** The leaf paths an object sets, ignoring identity and server-owned metadata. */
export function fieldSetOf(obj: JsonObject, keys: ListKeys, onlyStatus = false): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(obj)) {
    if (k === "apiVersion" || k === "kind") continue;
    if (onlyStatus !== (k === "status")) continue;
    if (k !== "metadata") {
      collect(v, `f:${k}`, k, keys, out);
      continue;
    }
    if (!isObject(v)) continue;
    for (const [mk, mv] of Object.entries(v)) if (TRACKED_METADATA.has(mk)) collect(mv, `f:metadata${SEP}f:${mk}`, mk, keys, out);
  }
  return out;
}

export function segments(path: FieldPath): string[] {
  return path.split(SEP);
}

function step(node: Json | undefined, segment: string): Json | undefined {
  if (segment.startsWith("f:")) return isObject(node) ? node[segment.slice(2)] : undefined;
  if (!Array.isArray(node)) return undefined;
  const key = JSON.parse(segment.slice(2)) as JsonObject;
  return node.find((i) => isObject(i) && Object.entries(key).every(([k, v]) => valuesEqual(i[k], v)));
}

export function valueAt(obj: JsonObject, path: FieldPath): Json | undefined {
  return segments(path).reduce<Json | undefined>(step, obj);
}

/** Removes the field or keyed item at `path`, in place (callers pass a private copy). */
export function deleteAt(obj: JsonObject, path: FieldPath): void {
  const segs = segments(path);
  const parent = segs.slice(0, -1).reduce<Json | undefined>(step, obj);
  const last = segs[segs.length - 1]!;
  if (last.startsWith("f:")) {
    if (isObject(parent)) delete parent[last.slice(2)];
    return;
  }
  if (!Array.isArray(parent)) return;
  const item = step(parent, last);
  const index = parent.indexOf(item as Json);
  if (index >= 0) parent.splice(index, 1);
}

export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  for (const path of [...set].sort()) {
    let node = root;
    for (const seg of segments(path)) {
      const child = isObject(node[seg]) ? (node[seg] as JsonObject) : {};
      if (seg.startsWith("k:")) child["."] = {};
      node[seg] = child;
      node = child;
    }
  }
  return root;
}

function walkFieldsV1(node: JsonObject, prefix: string, out: FieldSet): void {
  const children = Object.keys(node).filter((k) => k !== ".");
  if (children.length === 0 || "." in node) {
    if (prefix !== "") out.add(prefix);
  }
  for (const k of children) {
    const child = node[k];
    walkFieldsV1(isObject(child) ? child : {}, prefix === "" ? k : `${prefix}${SEP}${k}`, out);
  }
}

export function fromFieldsV1(tree: Json | undefined): FieldSet {
  const out: FieldSet = new Set();
  if (isObject(tree)) walkFieldsV1(tree, "", out);
  return out;
}

/** True when `a` equals `b` or lies under it (or the reverse): owning a parent covers its children. */
export function overlaps(a: FieldPath, b: FieldPath): boolean {
  return a === b || a.startsWith(`${b}${SEP}`) || b.startsWith(`${a}${SEP}`);
}

/** Display form used in conflict messages: `.spec.replicas`, `.spec.containers[name="x"].image`. */
export function displayPath(path: FieldPath): string {
  return segments(path)
    .map((s) => {
      if (s.startsWith("f:")) return `.${s.slice(2)}`;
      const key = JSON.parse(s.slice(2)) as JsonObject;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",")}]`;
    })
    .join("");
}
