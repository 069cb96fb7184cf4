/**
 * Server-side apply: the applied object is the manager's full intent. Fields it
 * sets become that manager's; fields it set last time but not now are removed
 * (unless someone else owns them); changing a field another manager owns is a
 * 409 conflict unless `force` takes it over.
 */
import { ApiError, notFound } from "../errors.ts";
import { clone, isObject, meta, str, type Json, type JsonObject } from "../json.ts";
import { valuesEqual } from "../../value/index.ts";
import { disown, listKeysFor, readEntries, sameEntry, writeEntries, type ManagerEntry } from "../managed-fields.ts";
import { timestamp } from "../metadata.ts";
import { targetOf, type ObjectService, type UpdateOptions, type WriteContext } from "../objects.ts";
import { apiVersionOf, type ResourceType } from "../resource-type.ts";
import { deleteAt, displayPath, fieldSetOf, overlaps, valueAt, type FieldPath, type FieldSet, type ListKeys } from "./field-set.ts";

export interface ApplyResult {
  readonly object: JsonObject;
  readonly created: boolean;
}

interface Conflict {
  readonly manager: string;
  readonly apiVersion: string;
  readonly path: FieldPath;
}

/** Merges the applied object over the live one; keyed lists merge per item, other lists are replaced. */
function mergeApplied(live: Json | undefined, applied: Json, keys: ListKeys, field: string): Json {
  if (isObject(applied)) {
    const out: JsonObject = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = mergeApplied(out[k], v, keys, k);
    }
    return out;
  }
  if (!Array.isArray(applied) || !Array.isArray(live)) return applied;
  const key = keys(field, applied);
  if (key === undefined || !applied.every((i) => isObject(i) && i[key] !== undefined)) return applied;
  const out = [...live];
  for (const item of applied as JsonObject[]) {
    const index = out.findIndex((l) => isObject(l) && valuesEqual(l[key], item[key]));
    if (index < 0) out.push(item);
    else out[index] = mergeApplied(out[index], item, keys, field);
  }
  return out;
}

function findConflicts(entries: ManagerEntry[], mine: ManagerEntry | undefined, applied: FieldSet, live: JsonObject, desired: JsonObject): Conflict[] {
  const out: Conflict[] = [];
  for (const e of entries) {
    if (e === mine) continue;
    for (const p of applied) {
      const owned = e.fields.has(p) || [...e.fields].some((f) => overlaps(f, p));
      if (owned && !valuesEqual(valueAt(live, p), valueAt(desired, p))) out.push({ manager: e.manager, apiVersion: e.apiVersion, path: p });
    }
  }
  return out;
}

function conflictError(type: ResourceType, name: string, conflicts: Conflict[]): ApiError {
  const n = conflicts.length;
  const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${displayPath(c.path)}`);
  return new ApiError(409, "Conflict", `Apply failed with ${n} conflict${n === 1 ? "" : "s"}: ${lines.join("\n")}`, {
    name,
    group: type.group,
    kind: type.plural,
    causes: conflicts.map((c) => ({
      reason: "FieldManagerConflict",
      message: `conflict with "${c.manager}" using ${c.apiVersion}`,
      field: displayPath(c.path),
    })),
  });
}

export class ServerSideApply {
  constructor(
    private readonly objects: ObjectService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The applying manager's new entry: the fields it sets now, as of now. */
  private entry(type: ResourceType, ctx: WriteContext, fields: FieldSet, opts: UpdateOptions): ManagerEntry {
    return {
      manager: ctx.fieldManager,
      operation: "Apply",
      apiVersion: apiVersionOf(type),
      time: timestamp(this.clock()),
      fields,
      ...(opts.subresource === undefined ? {} : { subresource: opts.subresource }),
    };
  }

  apply(type: ResourceType, namespace: string, applied: JsonObject, ctx: WriteContext, force: boolean, opts: UpdateOptions): ApplyResult {
    const name = str(meta(applied)["name"]) ?? "";
    const keys = listKeysFor(type);
    const fields = fieldSetOf(applied, keys, opts.subresource === "status");
    const live = this.objects.find(type, namespace, name);
    if (live === undefined) {
      if (opts.subresource !== undefined) throw notFound(targetOf(type, name));
      const obj = clone(applied);
      writeEntries(obj, [this.entry(type, ctx, fields, opts)]);
      return { object: this.objects.create(type, obj, ctx, "Apply"), created: true };
    }
    const entries = readEntries(live);
    const mineIndex = entries.findIndex((e) => sameEntry(e, ctx.fieldManager, "Apply", opts.subresource));
    const mine = entries[mineIndex];
    const conflicts = findConflicts(entries, mine, fields, live, mergeApplied(live, applied, keys, "") as JsonObject);
    if (conflicts.length > 0 && !force) throw conflictError(type, name, conflicts);
    const next = this.entry(type, ctx, fields, opts);
    if (mine === undefined) entries.push(next);
    else entries[mineIndex] = next;
    disown(
      entries,
      conflicts.map((c) => c.path),
      next,
    );
    const merged = clone(live);
    for (const p of mine?.fields ?? []) {
      if (fields.has(p)) continue;
      const ownedElsewhere = entries.some((e) => e !== next && [...e.fields].some((f) => overlaps(f, p)));
      if (!ownedElsewhere) deleteAt(merged, p);
    }
    const result = mergeApplied(merged, applied, keys, "") as JsonObject;
    // Only a resourceVersion the client sent is a precondition; the live one is not.
    meta(result)["resourceVersion"] = meta(applied)["resourceVersion"] ?? null;
    if (meta(result)["resourceVersion"] === null) delete meta(result)["resourceVersion"];
    writeEntries(result, entries);
    return { object: this.objects.update(type, live, result, ctx, { ...opts, operation: "Apply" }), created: false };
  }
}
