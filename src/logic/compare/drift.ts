/**
 * Drift: which fields Koreo last applied to a managed object (its
 * `koreo.dev/last-applied-configuration` annotation) now hold something else,
 * and which other field manager wrote them (from `metadata.managedFields`).
 * Pure; shared by the relay (should the trigger run?) and the engine (is this
 * write a correction of someone else's change?).
 *
 * Koreo's own manager is whoever owns the annotation itself: the name depends on
 * the client (a ResourceFunction's writes carry no explicit field manager), and
 * Koreo is the only writer of that annotation. A differing field Koreo's manager
 * still owns was written by Koreo (the API server normalised it, e.g. `1000m` →
 * `1`): not drift, so Koreo's own writes never re-enqueue their trigger.
 * Without managedFields nothing can be told apart, so nothing counts as drift.
 */
import { isList, isMap, parseJsonValue, scalarsEqual, valuesEqual, type Value, type ValueMap } from "../../value/index.ts";

/** RF-19's annotation (resource-function/last-applied.ts owns writing it). */
const LAST_APPLIED = "koreo.dev/last-applied-configuration";

/** One path into an object: map keys and list indices. */
export type FieldPath = readonly (string | number)[];

export interface FieldDrift {
  /** Where, e.g. `data.key` or `spec.containers[0].image`. */
  readonly field: string;
  readonly path: FieldPath;
  /** The other field manager that wrote it (newest first); undefined when managedFields do not say. */
  readonly manager?: string;
}

/** At most this many differing paths are examined per object: enough to name one writer. */
const MAX_PATHS = 32;

/**
 * The fields of `live` that differ from what Koreo last applied and were not written by Koreo,
 * first differing field first. A `null` Koreo applied means "absent" (a merge patch deletes it).
 */
export function driftedFields(live: Value, lastApplied: Value): FieldDrift[] {
  if (!isMap(live) || !isMap(lastApplied)) return [];
  const entries = managerEntries(live);
  const koreo = entries.filter((e) => ownsPath(e.fields, ["metadata", "annotations", LAST_APPLIED], live));
  if (koreo.length === 0) return [];
  const koreoTime =
    koreo
      .map((e) => e.time)
      .sort()
      .at(-1) ?? "";
  const others = entries.filter((e) => !koreo.includes(e)).sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  const out: FieldDrift[] = [];
  for (const path of differingPaths(lastApplied, live)) {
    if (koreo.some((e) => ownsPath(e.fields, path, live))) continue;
    const owner = others.find((e) => ownsPath(e.fields, path, live)) ?? others.find((e) => e.time >= koreoTime && e.subresource === undefined);
    out.push({ field: renderPath(path), path, ...(owner === undefined ? {} : { manager: owner.manager }) });
  }
  return out;
}

/**
 * What the relay asks of a watched object: its drifted fields, read against its own last-applied
 * annotation. An object without the annotation (Koreo never wrote it) has none.
 */
export function objectDrift(live: Value): FieldDrift[] {
  const metadata = isMap(live) ? live.metadata : undefined;
  const annotations = isMap(metadata) ? metadata.annotations : undefined;
  const text = isMap(annotations) ? annotations[LAST_APPLIED] : undefined;
  if (typeof text !== "string") return [];
  let applied: Value;
  try {
    applied = parseJsonValue(text);
  } catch {
    return [];
  }
  return driftedFields(live, applied);
}

/** `data.key`, `spec.containers[0].image`; keys that are not plain names are quoted (`metadata.labels["app.kubernetes.io/name"]`). */
export function renderPath(path: FieldPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The value at a path, undefined when absent. */
export function valueAtPath(object: Value, path: FieldPath): Value | undefined {
  let node: Value | undefined = object;
  for (const segment of path) {
    if (typeof segment === "number") node = isList(node) ? node[segment] : undefined;
    else node = isMap(node) && Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * Leaf paths where `live` differs from `applied`, walking only what Koreo applied (as CMP-1/2 walk
 * the target). Scalars compare as CMP does; lists are ordered, a length change is one difference at
 * the list; `ownerReferences` is never compared (RF-24). `metadata` keys other than labels and
 * annotations are identity, never drift.
 */
export function differingPaths(applied: Value, live: Value, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  walk(applied, live, prefix, out);
  return out;
}

function walk(applied: Value, live: Value | undefined, path: FieldPath, out: FieldPath[]): void {
  if (out.length >= MAX_PATHS) return;
  if (applied === null) return; // Koreo asked for absence; absent or null both satisfy it.
  if (isMap(applied)) {
    if (!isMap(live)) return void out.push(path);
    for (const [key, want] of Object.entries(applied)) {
      if (key === "ownerReferences") continue;
      if (path.length === 1 && path[0] === "metadata" && key !== "labels" && key !== "annotations") continue;
      if (path.length === 2 && path[0] === "metadata" && path[1] === "annotations" && key === LAST_APPLIED) continue;
      walk(want, Object.hasOwn(live, key) ? live[key] : undefined, [...path, key], out);
    }
    return;
  }
  if (isList(applied)) {
    if (!isList(live) || live.length !== applied.length) return void out.push(path);
    applied.forEach((want, i) => walk(want, live[i] ?? null, [...path, i], out));
    return;
  }
  if (live === undefined || !scalarsEqual(applied, live)) out.push(path);
}

interface ManagerEntry {
  readonly manager: string;
  readonly time: string;
  readonly subresource?: string;
  readonly fields: Value;
}

function managerEntries(live: ValueMap): ManagerEntry[] {
  const metadata = live.metadata;
  const raw = isMap(metadata) ? metadata.managedFields : undefined;
  if (!isList(raw)) return [];
  return raw.filter(isMap).map((e) => {
    const subresource = typeof e.subresource === "string" && e.subresource !== "" ? e.subresource : undefined;
    return {
      manager: typeof e.manager === "string" ? e.manager : "",
      time: typeof e.time === "string" ? e.time : "",
      fields: e.fieldsV1 ?? null,
      ...(subresource === undefined ? {} : { subresource }),
    };
  });
}

/**
 * Does a FieldsV1 trie own `path` of `live`: the path's node is in it, or an atomic ancestor (a
 * leaf `{}` that stands for a whole list or map) is. A list index is matched to the live item by
 * `k:{…}` (keyed lists), `v:…` (sets) or `i:n`.
 */
export function ownsPath(fields: Value, path: FieldPath, live: Value): boolean {
  let node: Value = fields;
  let value: Value | undefined = live;
  for (const segment of path) {
    if (!isMap(node)) return false;
    const next: Value | undefined = typeof segment === "number" ? itemNode(node, segment, value) : node[`f:${segment}`];
    if (next === undefined) return node !== fields && isLeaf(node);
    node = next;
    value = typeof segment === "number" ? (isList(value) ? value[segment] : undefined) : isMap(value) ? value[segment] : undefined;
  }
  return true;
}

function isLeaf(node: ValueMap): boolean {
  return Object.keys(node).every((k) => k === ".");
}

function itemNode(node: ValueMap, index: number, list: Value | undefined): Value | undefined {
  const byIndex = node[`i:${index}`];
  if (byIndex !== undefined) return byIndex;
  const item = isList(list) ? list[index] : undefined;
  if (item === undefined) return undefined;
  for (const [key, child] of Object.entries(node)) {
    if (key.startsWith("k:") && isMap(item) && keyMatches(key.slice(2), item)) return child;
    if (key.startsWith("v:") && jsonEquals(key.slice(2), item)) return child;
  }
  return undefined;
}

function keyMatches(json: string, item: ValueMap): boolean {
  const key = parse(json);
  return isMap(key) && Object.entries(key).every(([k, v]) => valuesEqual(item[k], v) || String(item[k]) === String(v));
}

function jsonEquals(json: string, item: Value): boolean {
  const parsed = parse(json);
  return parsed !== undefined && (valuesEqual(parsed, item) || String(parsed) === String(item));
}

function parse(json: string): Value | undefined {
  try {
    return JSON.parse(json) as Value;
  } catch {
    return undefined;
  }
}
