/**
 * `koreo plan`, comparing two dry runs of one trigger: the writes recorded with the current
 * definitions against those recorded with the changed ones, paired by verb, object and
 * subresource, and each differing pair reduced to field-level changes. Pure.
 */
import type { ObjectRef } from "../cluster/index.ts";
import { isList, isMap, valuesEqual, type Value } from "../value/index.ts";

/** A write a dry run recorded instead of sending (the shape of the dry-run adapter's record). */
export interface PlannedWrite {
  readonly verb: "create" | "mergePatch" | "apply" | "delete";
  readonly ref: ObjectRef;
  readonly body?: Value;
  readonly subresource?: "status";
}

export interface FieldChange {
  readonly path: string;
  /** Absent: the field was not there (or not sent). */
  readonly before?: Value;
  readonly after?: Value;
}

export interface WriteChange {
  readonly verb: PlannedWrite["verb"];
  readonly ref: ObjectRef;
  readonly subresource?: "status";
  /** added: only the changed definitions send it; removed: only the current ones do; changed: both, with different bodies. */
  readonly change: "added" | "removed" | "changed";
  readonly fields: readonly FieldChange[];
}

/**
 * Every write that differs. An added patch is compared with the live object when `live` knows
 * it (what the fields are now → what would be sent), otherwise every field it sends is new.
 */
export function diffWrites(
  before: readonly PlannedWrite[],
  after: readonly PlannedWrite[],
  live: (ref: ObjectRef) => Value | undefined = () => undefined,
): WriteChange[] {
  const was = keyed(before);
  const now = keyed(after);
  const changes: WriteChange[] = [];
  for (const [key, write] of now) {
    const old = was.get(key);
    if (old === undefined) changes.push(added(write, live(write.ref)));
    else if (!valuesEqual(old.body ?? null, write.body ?? null)) changes.push(describe(write, "changed", diffValues(old.body, write.body)));
  }
  for (const [key, write] of was) if (!now.has(key)) changes.push(describe(write, "removed", diffValues(write.body, undefined)));
  return changes;
}

function added(write: PlannedWrite, current: Value | undefined): WriteChange {
  // A create or a delete is new as a whole; a patch changes the live fields it names.
  const base = write.verb === "mergePatch" || write.verb === "apply" ? sentPart(current, write.body) : undefined;
  return describe(write, "added", diffValues(base, write.body));
}

function describe(write: PlannedWrite, change: WriteChange["change"], fields: FieldChange[]): WriteChange {
  return { verb: write.verb, ref: write.ref, change, fields, ...(write.subresource !== undefined && { subresource: write.subresource }) };
}

/** Writes keyed by verb, object, subresource and occurrence (a pass may write one object twice). */
function keyed(writes: readonly PlannedWrite[]): Map<string, PlannedWrite> {
  const out = new Map<string, PlannedWrite>();
  for (const write of writes) {
    const base = `${write.verb}|${write.subresource ?? ""}|${objectLabel(write.ref)}`;
    let n = 0;
    while (out.has(`${base}#${n}`)) n++;
    out.set(`${base}#${n}`, write);
  }
  return out;
}

/** `Kind apiVersion namespace/name`, or without a namespace for cluster-scoped objects. */
export function objectLabel(ref: ObjectRef): string {
  const where = ref.namespace === undefined || ref.namespace === "" ? ref.name : `${ref.namespace}/${ref.name}`;
  return `${ref.kind}.${ref.apiVersion} ${where}`;
}

/** Only the parts of `live` that `sent` names: a merge patch leaves the rest alone. */
function sentPart(live: Value | undefined, sent: Value | undefined): Value | undefined {
  if (!isMap(live) || !isMap(sent)) return live;
  const out: Record<string, Value> = {};
  for (const key of Object.keys(sent)) {
    const part = sentPart(live[key], sent[key]);
    if (part !== undefined) out[key] = part;
  }
  return out;
}

/** Leaf-level differences, maps by key and lists by index; a leaf that changed type is one change. */
export function diffValues(before: Value | undefined, after: Value | undefined, path = ""): FieldChange[] {
  if (isMap(before) && isMap(after)) return diffMaps(before, after, path);
  if (isList(before) && isList(after)) return diffLists(before, after, path);
  if (before === undefined && (isMap(after) || isList(after))) return leaves(after, path, "after");
  if (after === undefined && (isMap(before) || isList(before))) return leaves(before, path, "before");
  if (before !== undefined && after !== undefined && valuesEqual(before, after)) return [];
  if (before === undefined && after === undefined) return [];
  return [{ path: path === "" ? "(object)" : path, ...(before !== undefined && { before }), ...(after !== undefined && { after }) }];
}

function diffMaps(before: Record<string, Value>, after: Record<string, Value>, path: string): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.flatMap((key) => diffValues(before[key], after[key], join(path, key)));
}

function diffLists(before: readonly Value[], after: readonly Value[], path: string): FieldChange[] {
  const length = Math.max(before.length, after.length);
  return Array.from({ length }, (_, i) => diffValues(before[i], after[i], `${path}[${i}]`)).flat();
}

/** Every leaf of a whole value on one side: an object created, or a write no longer sent. */
function leaves(value: Value, path: string, side: "before" | "after"): FieldChange[] {
  if (isMap(value)) {
    const entries = Object.entries(value);
    if (entries.length > 0) return entries.flatMap(([key, child]) => leaves(child, join(path, key), side));
  }
  if (isList(value) && value.length > 0) return value.flatMap((child, i) => leaves(child, `${path}[${i}]`, side));
  return [{ path: path === "" ? "(object)" : path, [side]: value }];
}

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function join(path: string, key: string): string {
  const segment = SIMPLE_KEY.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (path === "") return segment;
  return segment.startsWith("[") ? `${path}${segment}` : `${path}.${segment}`;
}
