/**
 * The object store: current objects per resource, the global resourceVersion
 * counter, and the owner index garbage collection needs. It knows nothing of
 * HTTP or Kubernetes semantics beyond metadata identity.
 */
import { isObject, meta, str, type JsonObject } from "./json.ts";

export interface StoredRef {
  readonly resource: string;
  readonly object: JsonObject;
}

export function objectId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function idOf(obj: JsonObject): string {
  const m = meta(obj);
  return objectId(str(m["namespace"]) ?? "", str(m["name"]) ?? "");
}

export function ownerUids(obj: JsonObject): string[] {
  const refs = meta(obj)["ownerReferences"];
  if (!Array.isArray(refs)) return [];
  return refs.flatMap((r) => (isObject(r) && typeof r["uid"] === "string" ? [r["uid"]] : []));
}

export class ObjectStore {
  private rv = 0;
  private readonly objects = new Map<string, Map<string, JsonObject>>();
  private readonly byUid = new Map<string, StoredRef>();
  /** owner uid → dependents naming it in ownerReferences, keyed by resource and id. */
  private readonly dependentsOf = new Map<string, Map<string, { resource: string; id: string }>>();
  /** resource → count of its puts and removes, so what is derived from its objects can be kept until they change. */
  private readonly revisions = new Map<string, number>();

  get resourceVersion(): number {
    return this.rv;
  }

  /** Restores the counter after a reload so versions never repeat. */
  advanceTo(rv: number): void {
    if (rv > this.rv) this.rv = rv;
  }

  nextResourceVersion(): number {
    return ++this.rv;
  }

  get(resource: string, namespace: string, name: string): JsonObject | undefined {
    return this.objects.get(resource)?.get(objectId(namespace, name));
  }

  list(resource: string, namespace?: string): JsonObject[] {
    const all = this.objects.get(resource);
    if (all === undefined) return [];
    if (namespace === undefined) return [...all.values()];
    const items: JsonObject[] = [];
    for (const o of all.values()) if (meta(o)["namespace"] === namespace) items.push(o);
    return items;
  }

  /** Every stored object, for snapshots. */
  *entries(): Generator<StoredRef> {
    for (const [resource, objs] of this.objects) for (const object of objs.values()) yield { resource, object };
  }

  /** Changes whenever an object of `resource` is stored or removed. */
  revision(resource: string): number {
    return this.revisions.get(resource) ?? 0;
  }

  count(resource: string): number {
    return this.objects.get(resource)?.size ?? 0;
  }

  byUidLookup(uid: string): StoredRef | undefined {
    return this.byUid.get(uid);
  }

  dependents(ownerUid: string): StoredRef[] {
    const deps = this.dependentsOf.get(ownerUid);
    if (deps === undefined) return [];
    const out: StoredRef[] = [];
    for (const { resource, id } of deps.values()) {
      const slash = id.indexOf("/");
      const object = this.get(resource, id.slice(0, slash), id.slice(slash + 1));
      if (object !== undefined) out.push({ resource, object });
    }
    return out;
  }

  put(resource: string, obj: JsonObject): void {
    const id = idOf(obj);
    let objs = this.objects.get(resource);
    if (objs === undefined) {
      objs = new Map();
      this.objects.set(resource, objs);
    }
    const previous = objs.get(id);
    if (previous !== undefined) this.unindex(resource, previous);
    objs.set(id, obj);
    this.index(resource, obj);
    this.revisions.set(resource, this.revision(resource) + 1);
  }

  remove(resource: string, obj: JsonObject): void {
    const objs = this.objects.get(resource);
    const id = idOf(obj);
    const current = objs?.get(id);
    if (current === undefined) return;
    objs?.delete(id);
    this.unindex(resource, current);
    this.revisions.set(resource, this.revision(resource) + 1);
  }

  private index(resource: string, obj: JsonObject): void {
    const uid = str(meta(obj)["uid"]);
    if (uid !== undefined) this.byUid.set(uid, { resource, object: obj });
    for (const owner of ownerUids(obj)) {
      const deps = this.dependentsOf.get(owner) ?? new Map<string, { resource: string; id: string }>();
      deps.set(`${resource}\0${idOf(obj)}`, { resource, id: idOf(obj) });
      this.dependentsOf.set(owner, deps);
    }
  }

  private unindex(resource: string, obj: JsonObject): void {
    const uid = str(meta(obj)["uid"]);
    if (uid !== undefined) this.byUid.delete(uid);
    for (const owner of ownerUids(obj)) {
      const deps = this.dependentsOf.get(owner);
      if (deps === undefined) continue;
      deps.delete(`${resource}\0${idOf(obj)}`);
      if (deps.size === 0) this.dependentsOf.delete(owner);
    }
  }
}
