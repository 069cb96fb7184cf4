/**
 * `metadata.managedFields`: who owns which fields. Updates (PUT, patches) give
 * the writer every field they changed and take those fields from everyone else;
 * server-side apply (`patch/apply.ts`) sets its manager's set wholesale. Entries
 * are always well formed: kubectl 1.32 panics on entries without fieldsV1.
 */
import { isObject, meta, str, type JsonObject } from "./json.ts";
import { valuesEqual } from "../value/index.ts";
import { timestamp } from "./metadata.ts";
import type { ResourceType } from "./resource-type.ts";
import { mergeKeyFor } from "./patch/strategic-merge.ts";
import { fieldSetOf, fromFieldsV1, toFieldsV1, valueAt, overlaps, type FieldSet, type ListKeys } from "./patch/field-set.ts";

export type Operation = "Apply" | "Update";

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time: string;
  subresource?: string;
  fields: FieldSet;
}

export function readEntries(obj: JsonObject | undefined): ManagerEntry[] {
  if (obj === undefined) return [];
  const raw = meta(obj)["managedFields"];
  if (!Array.isArray(raw)) return [];
  return raw.filter(isObject).map((e) => {
    const entry: ManagerEntry = {
      manager: str(e["manager"]) ?? "",
      operation: e["operation"] === "Apply" ? "Apply" : "Update",
      apiVersion: str(e["apiVersion"]) ?? "",
      time: str(e["time"]) ?? "",
      fields: fromFieldsV1(e["fieldsV1"]),
    };
    const sub = str(e["subresource"]);
    if (sub !== undefined && sub !== "") entry.subresource = sub;
    return entry;
  });
}

export function writeEntries(obj: JsonObject, entries: ManagerEntry[]): void {
  const kept = entries.filter((e) => e.fields.size > 0);
  const m = meta(obj);
  if (kept.length === 0) {
    delete m["managedFields"];
    return;
  }
  m["managedFields"] = kept.map((e) => {
    const out: JsonObject = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      time: e.time,
      fieldsType: "FieldsV1",
      fieldsV1: toFieldsV1(e.fields),
    };
    if (e.subresource !== undefined) out["subresource"] = e.subresource;
    return out;
  });
}

/** Built-in kinds key lists as strategic merge does; custom resources' lists are atomic. */
export function listKeysFor(type: ResourceType): ListKeys {
  return type.strategicMerge ? mergeKeyFor : () => undefined;
}

export function sameEntry(e: ManagerEntry, manager: string, operation: Operation, subresource: string | undefined): boolean {
  return e.manager === manager && e.operation === operation && e.subresource === subresource;
}

/** Drops `paths` (and anything under or above them) from every entry but `keep`. */
export function disown(entries: ManagerEntry[], paths: Iterable<string>, keep?: ManagerEntry): void {
  const list = [...paths];
  for (const e of entries) {
    if (e === keep) continue;
    for (const f of [...e.fields]) if (list.some((p) => overlaps(f, p))) e.fields.delete(f);
  }
}

export interface UpdateRecord {
  readonly manager: string;
  readonly listKeys: ListKeys;
  readonly apiVersion: string;
  readonly now: Date;
  readonly subresource?: string;
}

/** Gives an Update's writer the fields it changed; `old` undefined means a create. */
export function recordUpdate(old: JsonObject | undefined, next: JsonObject, record: UpdateRecord): void {
  const keys = record.listKeys;
  const onlyStatus = record.subresource === "status";
  const after = fieldSetOf(next, keys, onlyStatus);
  const changed = new Set([...after].filter((p) => old === undefined || !valuesEqual(valueAt(old, p), valueAt(next, p))));
  if (old !== undefined) for (const p of fieldSetOf(old, keys, onlyStatus)) if (!after.has(p)) changed.add(p);
  const entries = old === undefined ? [] : readEntries(old);
  if (changed.size === 0 && old !== undefined) {
    writeEntries(next, entries);
    return;
  }
  let mine = entries.find((e) => sameEntry(e, record.manager, "Update", record.subresource));
  if (mine === undefined) {
    mine = {
      manager: record.manager,
      operation: "Update",
      apiVersion: record.apiVersion,
      time: "",
      fields: new Set(),
      ...(record.subresource === undefined ? {} : { subresource: record.subresource }),
    };
    entries.push(mine);
  }
  disown(entries, changed, mine);
  for (const p of changed) if (after.has(p)) mine.fields.add(p);
  mine.time = timestamp(record.now);
  mine.apiVersion = record.apiVersion;
  writeEntries(next, entries);
}
