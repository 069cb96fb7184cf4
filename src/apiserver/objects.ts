/**
 * Kubernetes write semantics on top of the store: optimistic concurrency,
 * generation, status subresource, finalizers, dry runs and the events watches
 * see. Garbage collection lives in `gc.ts` and calls back in through `remove`.
 */
import { ApiError, alreadyExists, conflict, invalid, notFound, badRequest, type Target } from "./errors.ts";
import { meta, str, type Json, type JsonObject } from "./json.ts";
import { valuesEqual } from "../value/index.ts";
import { listKeysFor, recordUpdate } from "./managed-fields.ts";
import { carryServerFields, finalizers, initializeMetadata, isTerminating, sameContent, specChanged, timestamp } from "./metadata.ts";
import { apiVersionOf, resourceKey, type ResourceType } from "./resource-type.ts";
import type { ObjectStore } from "./store.ts";
import type { ChangeType, WatchHub } from "./watch-hub.ts";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export interface WriteContext {
  readonly dryRun: boolean;
  readonly fieldManager: string;
  readonly fieldValidation: FieldValidation;
  /** Collected for the `Warning` response header. */
  readonly warnings: string[];
}

export interface UpdateOptions {
  readonly subresource?: "status";
  /** The operation recorded in managedFields. */
  readonly operation?: "Update" | "Apply";
}

/** Per-kind behaviour (namespaces, CRDs) the generic pipeline calls out to. */
export interface KindHooks {
  /** Fills server-computed fields or rejects the object; runs before it is stored. */
  prepare?(obj: JsonObject, old: JsonObject | undefined): void;
  committed?(obj: JsonObject): void;
  removed?(obj: JsonObject): void;
}

function setManagedFields(obj: JsonObject, value: Json | undefined): void {
  if (value === undefined) delete meta(obj)["managedFields"];
  else meta(obj)["managedFields"] = value;
}

export function targetOf(type: ResourceType, name: string): Target {
  return { group: type.group, plural: type.plural, name };
}

export interface ObjectServiceOptions {
  readonly maxObjectBytes: number;
  readonly clock?: () => Date;
}

export class ObjectService {
  private readonly hooks = new Map<string, KindHooks>();
  private readonly clock: () => Date;
  /** Called after an object is removed so owners and namespaces can finish deleting. */
  onRemoved: (resource: string, obj: JsonObject) => void = () => {};

  constructor(
    readonly store: ObjectStore,
    readonly hub: WatchHub,
    private readonly options: ObjectServiceOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  setHooks(resource: string, hooks: KindHooks): void {
    this.hooks.set(resource, hooks);
  }

  /** The stored object as seen through `type`'s version. */
  present(type: ResourceType, obj: JsonObject): JsonObject {
    const apiVersion = apiVersionOf(type);
    return obj["apiVersion"] === apiVersion ? obj : { ...obj, apiVersion };
  }

  get(type: ResourceType, namespace: string, name: string): JsonObject {
    const obj = this.store.get(resourceKey(type), namespace, name);
    if (obj === undefined) throw notFound(targetOf(type, name));
    return obj;
  }

  find(type: ResourceType, namespace: string, name: string): JsonObject | undefined {
    return this.store.get(resourceKey(type), namespace, name);
  }

  /** Apply creates carry their own managedFields; plain creates get an Update entry. */
  create(type: ResourceType, obj: JsonObject, ctx: WriteContext, operation: "Update" | "Apply" = "Update"): JsonObject {
    const m = meta(obj);
    const name = str(m["name"]) ?? "";
    const namespace = str(m["namespace"]) ?? "";
    if (this.find(type, namespace, name) !== undefined) throw alreadyExists(targetOf(type, name));
    if (type.namespaced) this.requireLiveNamespace(namespace);
    initializeMetadata(obj, this.clock());
    // As kube-apiserver: with a status subresource, status is not settable on create.
    if (type.statusSubresource) delete obj["status"];
    const admitted = this.admit(type, obj, undefined, ctx);
    if (operation === "Update") this.track(type, undefined, admitted, ctx, undefined);
    return this.commit(type, admitted, "ADDED", undefined, ctx);
  }

  /** PUT and every patch end here: `incoming` is the full desired object. */
  update(type: ResourceType, old: JsonObject, incoming: JsonObject, ctx: WriteContext, opts: UpdateOptions = {}): JsonObject {
    const name = str(meta(old)["name"]) ?? "";
    const sentRv = meta(incoming)["resourceVersion"];
    if (sentRv !== undefined && sentRv !== "" && sentRv !== meta(old)["resourceVersion"]) {
      throw conflict(targetOf(type, name), "the object has been modified; please apply your changes to the latest version and try again");
    }
    let next = incoming;
    carryServerFields(next, old);
    // Apply brings the new ownership; other writes keep the stored entries (whatever the client sent).
    if (opts.operation !== "Apply") setManagedFields(next, meta(old)["managedFields"]);
    next = this.applySubresourceRule(type, old, next, opts.subresource);
    next = this.admit(type, next, old, ctx);
    if (specChanged(old, next)) meta(next)["generation"] = Number(meta(old)["generation"] ?? 1) + 1;
    if (sameContent(old, next, opts.operation === "Apply")) return old;
    if (opts.operation !== "Apply") this.track(type, old, next, ctx, opts.subresource);
    if (isTerminating(next) && finalizers(next).length === 0) {
      if (!ctx.dryRun) this.remove(resourceKey(type), next);
      return next;
    }
    return this.commit(type, next, "MODIFIED", old, ctx);
  }

  /**
   * Starts deleting: objects with finalizers only become terminating; the rest
   * are removed now. Returns the object as last seen.
   */
  markDeleted(type: ResourceType, obj: JsonObject, ctx: WriteContext, extraFinalizer?: string): JsonObject {
    const fins = finalizers(obj);
    if (extraFinalizer !== undefined && !fins.includes(extraFinalizer)) fins.push(extraFinalizer);
    if (fins.length === 0) {
      if (!ctx.dryRun) this.remove(resourceKey(type), obj);
      return obj;
    }
    const m: JsonObject = { ...meta(obj), finalizers: fins };
    if (!isTerminating(obj)) {
      m["deletionTimestamp"] = timestamp(this.clock());
      m["deletionGracePeriodSeconds"] = 0;
    }
    const next = { ...obj, metadata: m };
    if (valuesEqual(next, obj)) return obj;
    return this.commit(type, next, "MODIFIED", obj, ctx);
  }

  /** Drops an object for good: DELETED event, hooks, then dependents and owners. */
  remove(resource: string, obj: JsonObject): void {
    const current = this.store.get(resource, str(meta(obj)["namespace"]) ?? "", str(meta(obj)["name"]) ?? "");
    if (current === undefined) return;
    const rv = this.store.nextResourceVersion();
    const gone = { ...obj, metadata: { ...meta(obj), resourceVersion: String(rv) } };
    this.store.remove(resource, current);
    // `previous` (with its own resourceVersion) lets lists at an older version put it back.
    this.hub.publish({ type: "DELETED", rv, resource, object: gone, previous: current });
    this.hooks.get(resource)?.removed?.(gone);
    this.onRemoved(resource, gone);
  }

  /** Writes an object the server changed itself (GC, namespace phase), bypassing admission. */
  systemWrite(resource: string, obj: JsonObject): void {
    const m = meta(obj);
    const old = this.store.get(resource, str(m["namespace"]) ?? "", str(m["name"]) ?? "");
    if (old === undefined) return;
    const rv = this.store.nextResourceVersion();
    const next = { ...obj, metadata: { ...m, resourceVersion: String(rv) } };
    this.store.put(resource, next);
    this.hub.publish({ type: "MODIFIED", rv, resource, object: next, previous: old });
  }

  private track(type: ResourceType, old: JsonObject | undefined, next: JsonObject, ctx: WriteContext, subresource: string | undefined): void {
    recordUpdate(old, next, {
      manager: ctx.fieldManager,
      listKeys: listKeysFor(type),
      apiVersion: apiVersionOf(type),
      now: this.clock(),
      ...(subresource === undefined ? {} : { subresource }),
    });
  }

  private requireLiveNamespace(namespace: string): void {
    const ns = this.store.get("/namespaces", "", namespace);
    if (ns === undefined) throw notFound({ group: "", plural: "namespaces", name: namespace });
    if (isTerminating(ns)) throw new ApiError(403, "Forbidden", `unable to create new content in namespace ${namespace} because it is being terminated`);
  }

  private applySubresourceRule(type: ResourceType, old: JsonObject, next: JsonObject, subresource: "status" | undefined): JsonObject {
    if (!type.statusSubresource) return next;
    if (subresource === "status") {
      const out: JsonObject = { ...old, metadata: { ...meta(old) } };
      setManagedFields(out, meta(next)["managedFields"]);
      if (next["status"] === undefined) delete out["status"];
      else out["status"] = next["status"];
      return out;
    }
    if (old["status"] === undefined) delete next["status"];
    else next["status"] = old["status"];
    return next;
  }

  private admit(type: ResourceType, obj: JsonObject, old: JsonObject | undefined, ctx: WriteContext): JsonObject {
    this.hooks.get(resourceKey(type))?.prepare?.(obj, old);
    if (type.admit === undefined) return obj;
    const result = type.admit(obj);
    const name = str(meta(obj)["name"]) ?? "";
    if (result.unknownFields.length > 0) {
      const list = result.unknownFields.map((f) => `unknown field "${f}"`).join(", ");
      if (ctx.fieldValidation === "Strict") throw badRequest(`strict decoding error: ${list}`);
      if (ctx.fieldValidation === "Warn") ctx.warnings.push(...result.unknownFields.map((f) => `unknown field "${f}"`));
    }
    if (result.errors.length > 0) throw invalid(`${type.kind}.${type.group}`, name, result.errors);
    return result.object;
  }

  private commit(type: ResourceType, obj: JsonObject, kind: ChangeType, old: JsonObject | undefined, ctx: WriteContext): JsonObject {
    const size = JSON.stringify(obj).length;
    if (size > this.options.maxObjectBytes)
      throw new ApiError(413, "RequestEntityTooLarge", `object is too large (${size} bytes, limit ${this.options.maxObjectBytes})`);
    if (ctx.dryRun) return obj;
    const resource = resourceKey(type);
    const rv = this.store.nextResourceVersion();
    meta(obj)["resourceVersion"] = String(rv);
    this.store.put(resource, obj);
    this.hub.publish(old === undefined ? { type: kind, rv, resource, object: obj } : { type: kind, rv, resource, object: obj, previous: old });
    this.hooks.get(resource)?.committed?.(obj);
    return obj;
  }
}
