/**
 * Deletion with owner references, as the garbage collector and namespace
 * controller do it, but synchronously: dependents are handled right after their
 * owner goes, so tests observe a settled cluster when DELETE returns.
 */
import { isObject, meta, str, type JsonObject } from "./json.ts";
import { finalizers, isTerminating } from "./metadata.ts";
import type { ObjectService, WriteContext } from "./objects.ts";
import type { ResourceRegistry } from "./registry.ts";
import { resourceKey, splitApiVersion, type ResourceType } from "./resource-type.ts";
import { ownerUids } from "./store.ts";

export type PropagationPolicy = "Background" | "Foreground" | "Orphan";

const FOREGROUND = "foregroundDeletion";

export class GarbageCollector {
  constructor(
    private readonly objects: ObjectService,
    private readonly registry: ResourceRegistry,
  ) {
    objects.onRemoved = (resource, obj) => this.afterRemoval(resource, obj);
  }

  delete(type: ResourceType, obj: JsonObject, policy: PropagationPolicy, ctx: WriteContext): JsonObject {
    if (ctx.dryRun) return obj;
    if (type.plural === "namespaces" && type.group === "") return this.deleteNamespace(type, obj, ctx);
    const uid = str(meta(obj)["uid"]) ?? "";
    if (policy === "Orphan") this.orphanDependents(uid);
    if (policy !== "Foreground") return this.objects.markDeleted(type, obj, ctx);
    const marked = this.objects.markDeleted(type, obj, ctx, FOREGROUND);
    for (const dep of this.objects.store.dependents(uid)) this.deleteStored(dep.resource, dep.object);
    this.finishForeground(uid);
    return marked;
  }

  private deleteNamespace(type: ResourceType, ns: JsonObject, ctx: WriteContext): JsonObject {
    const name = str(meta(ns)["name"]) ?? "";
    const terminating = this.objects.markDeleted(type, { ...ns, status: { phase: "Terminating" } }, ctx, "kubernetes");
    for (const t of this.namespacedTypes()) {
      for (const obj of this.objects.store.list(resourceKey(t), name)) this.deleteStored(resourceKey(t), obj);
    }
    this.finishNamespace(name);
    return this.objects.find(type, "", name) ?? terminating;
  }

  /** One type per resource (several versions share storage). */
  private namespacedTypes(): ResourceType[] {
    const seen = new Map<string, ResourceType>();
    for (const t of this.registry.all()) if (t.namespaced) seen.set(resourceKey(t), t);
    return [...seen.values()];
  }

  private typeOf(resource: string, obj: JsonObject): ResourceType | undefined {
    const { group, version } = splitApiVersion(str(obj["apiVersion"]) ?? "");
    const t = this.registry.lookup(group, version, resource.slice(resource.indexOf("/") + 1));
    return t ?? this.registry.all().find((x) => resourceKey(x) === resource);
  }

  private deleteStored(resource: string, obj: JsonObject): void {
    const type = this.typeOf(resource, obj);
    if (type === undefined || isTerminating(obj)) return;
    this.objects.markDeleted(type, obj, { dryRun: false, fieldManager: "garbage-collector", fieldValidation: "Ignore", warnings: [] });
  }

  private orphanDependents(uid: string): void {
    for (const dep of this.objects.store.dependents(uid)) {
      const m = meta(dep.object);
      const refs = Array.isArray(m["ownerReferences"]) ? m["ownerReferences"] : [];
      const kept = refs.filter((r) => !(isObject(r) && r["uid"] === uid));
      const next: JsonObject = { ...m, ownerReferences: kept };
      if (kept.length === 0) delete next["ownerReferences"];
      this.objects.systemWrite(dep.resource, { ...dep.object, metadata: next });
    }
  }

  private afterRemoval(resource: string, obj: JsonObject): void {
    const uid = str(meta(obj)["uid"]) ?? "";
    for (const dep of this.objects.store.dependents(uid)) {
      // Background: a dependent goes once none of its owners exist any more.
      const liveOwner = ownerUids(dep.object).some((o) => this.objects.store.byUidLookup(o) !== undefined);
      if (!liveOwner) this.deleteStored(dep.resource, dep.object);
    }
    for (const owner of ownerUids(obj)) this.finishForeground(owner);
    const ns = str(meta(obj)["namespace"]);
    if (ns !== undefined && resource !== "/namespaces") this.finishNamespace(ns);
  }

  /** Releases a foreground-deleting owner once no blocking dependent is left. */
  private finishForeground(ownerUid: string): void {
    const owner = this.objects.store.byUidLookup(ownerUid);
    if (owner === undefined || !finalizers(owner.object).includes(FOREGROUND)) return;
    const blocking = this.objects.store.dependents(ownerUid).some((d) => blocksOwner(d.object, ownerUid));
    if (blocking) return;
    this.dropFinalizer(owner.resource, owner.object, FOREGROUND);
  }

  private finishNamespace(name: string): void {
    const ns = this.objects.store.get("/namespaces", "", name);
    if (ns === undefined || !isTerminating(ns)) return;
    const remaining = this.namespacedTypes().some(
      (t) => this.objects.store.count(resourceKey(t)) > 0 && this.objects.store.list(resourceKey(t), name).length > 0,
    );
    if (!remaining) this.dropFinalizer("/namespaces", ns, "kubernetes");
  }

  private dropFinalizer(resource: string, obj: JsonObject, finalizer: string): void {
    const rest = finalizers(obj).filter((f) => f !== finalizer);
    if (rest.length === 0) {
      this.objects.remove(resource, obj);
      return;
    }
    this.objects.systemWrite(resource, { ...obj, metadata: { ...meta(obj), finalizers: rest } });
  }
}

function blocksOwner(dependent: JsonObject, ownerUid: string): boolean {
  const refs = meta(dependent)["ownerReferences"];
  if (!Array.isArray(refs)) return false;
  return refs.some((r) => isObject(r) && r["uid"] === ownerUid && r["blockOwnerDeletion"] === true);
}
