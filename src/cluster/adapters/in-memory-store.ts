import { cloneValue, type Value, type ValueMap } from "../../value/index.ts";
import type { Clock } from "../../ports/index.ts";
import type { ClusterResult, KubeObject } from "../cluster-api.ts";
import { fail, ok } from "../errors.ts";
import { isCrd, kindsOfCrd, type KindSpec } from "../kinds.ts";
import { finalizersOf, metadataOf, ownerUidsOf, stringAt, withMetadata } from "../object-meta.ts";
import { valuesEqual } from "../../value/index.ts";
import { createEventLog, type StoredEvent } from "./in-memory-events.ts";

/** Where an object lives: its kind and its namespace ("" when cluster-scoped). */
export interface Location {
  readonly spec: KindSpec;
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

/** Metadata only the server sets; writes cannot change it. */
const SERVER_OWNED_METADATA = ["name", "namespace", "uid", "creationTimestamp", "resourceVersion", "generation", "deletionTimestamp"] as const;

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

function objectKey(spec: KindSpec, namespace: string, name: string): string {
  return `${spec.apiVersion}|${spec.kind}|${namespace}|${name}`;
}

function timestamp(clock: Clock): string {
  return new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function without(object: KubeObject, keys: readonly string[]): KubeObject {
  const out: ValueMap = { ...object };
  for (const key of keys) delete out[key];
  return out;
}

function withField(object: KubeObject, key: string, value: Value | undefined): KubeObject {
  return value === undefined ? without(object, [key]) : { ...object, [key]: value };
}

/** The parts of an object whose change bumps `generation`: everything but metadata (and status when it is a subresource). */
function generationRelevant(object: KubeObject, spec: KindSpec): KubeObject {
  return without(object, spec.hasStatus ? ["metadata", "status"] : ["metadata"]);
}

/**
 * The in-memory API server's state and its lifecycle rules (resourceVersion,
 * generation, finalizers, garbage collection, CRD registration). The port's
 * verbs in `in-memory.ts` validate requests and call these.
 */
export function createStore(clock: Clock, initialKinds: readonly KindSpec[], historySize: number) {
  const kinds = new Map<string, KindSpec>(initialKinds.map((k) => [kindKey(k.apiVersion, k.kind), k]));
  const objects = new Map<string, KubeObject>();
  const log = createEventLog(historySize);
  let revision = 0;
  let uidSequence = 0;

  function registerKind(spec: KindSpec): void {
    kinds.set(kindKey(spec.apiVersion, spec.kind), spec);
  }

  function kindOf(apiVersion: string, kind: string): ClusterResult<KindSpec> {
    const spec = kinds.get(kindKey(apiVersion, kind));
    if (spec) return ok(spec);
    return fail("NotFound", `the server could not find the requested resource: no kind "${kind}" is registered for version "${apiVersion}"`);
  }

  function locate(apiVersion: string, kind: string, name: string, namespace: string | undefined): ClusterResult<Location> {
    const spec = kindOf(apiVersion, kind);
    if (!spec.ok) return spec;
    // client-node puts namespaced objects without a namespace in "default"; cluster-scoped ones ignore it.
    const ns = spec.value.namespaced ? namespace || "default" : "";
    return ok({ spec: spec.value, namespace: ns, name, key: objectKey(spec.value, ns, name) });
  }

  function read(location: Location): KubeObject | undefined {
    return objects.get(location.key);
  }

  function notFound<T>(location: Location): ClusterResult<T> {
    return fail("NotFound", `${location.spec.plural} "${location.name}" not found`);
  }

  function newUid(): string {
    uidSequence++;
    return `00000000-0000-4000-8000-${uidSequence.toString(16).padStart(12, "0")}`;
  }

  function record(type: StoredEvent["type"], location: Location, object: KubeObject): void {
    const { apiVersion, kind } = location.spec;
    log.append({ resourceVersion: revision, type, apiVersion, kind, namespace: location.namespace, object });
  }

  /** Stores an object under a fresh resourceVersion and reports it to watchers. */
  function put(location: Location, object: KubeObject, type: "ADDED" | "MODIFIED"): KubeObject {
    revision++;
    const stored = withMetadata(object, (m) => ({ ...m, resourceVersion: String(revision) }));
    objects.set(location.key, stored);
    if (isCrd(stored)) kindsOfCrd(stored).forEach(registerKind);
    record(type, location, stored);
    return stored;
  }

  /** The object as a create would store it; nothing is persisted. */
  function prepareCreate(location: Location, body: KubeObject): KubeObject {
    const created = withMetadata(body, (m) => {
      const out: ValueMap = { ...m, name: location.name, uid: newUid(), generation: 1n, creationTimestamp: timestamp(clock) };
      if (location.namespace) out.namespace = location.namespace;
      else delete out.namespace;
      delete out.resourceVersion;
      delete out.deletionTimestamp;
      delete out.generateName;
      return out;
    });
    // A status subresource means status is written only through /status.
    return location.spec.hasStatus ? without(created, ["status"]) : created;
  }

  /** The object an update would leave, with server-owned fields restored, or the live object when nothing changes. */
  function prepareUpdate(location: Location, live: KubeObject, candidate: KubeObject, statusOnly: boolean): KubeObject {
    let next = statusOnly ? withField(live, "status", candidate.status) : candidate;
    if (!statusOnly && location.spec.hasStatus) next = withField(next, "status", live.status);
    const liveMetadata = metadataOf(live);
    next = withMetadata({ ...next, apiVersion: live.apiVersion ?? null, kind: live.kind ?? null }, (m) => {
      for (const key of SERVER_OWNED_METADATA) {
        const value = liveMetadata[key];
        if (value === undefined) delete m[key];
        else m[key] = value;
      }
      return m;
    });
    if (valuesEqual(next, live)) return live;
    if (valuesEqual(generationRelevant(next, location.spec), generationRelevant(live, location.spec))) return next;
    const generation = liveMetadata.generation;
    return withMetadata(next, (m) => ({ ...m, generation: (typeof generation === "bigint" ? generation : 0n) + 1n }));
  }

  /** Persists an update; an object being deleted whose last finalizer went away is removed. */
  function commitUpdate(location: Location, live: KubeObject, next: KubeObject): KubeObject {
    if (next === live) return live;
    if (stringAt(metadataOf(next), "deletionTimestamp") !== undefined && finalizersOf(next).length === 0) {
      return remove(location, next, "Background");
    }
    return put(location, next, "MODIFIED");
  }

  function locationOf(object: KubeObject): Location | undefined {
    const metadata = metadataOf(object);
    const found = locate(String(object.apiVersion), String(object.kind), stringAt(metadata, "name") ?? "", stringAt(metadata, "namespace"));
    return found.ok ? found.value : undefined;
  }

  /** Deletes honouring finalizers (sets deletionTimestamp instead) and then collects dependents. */
  function remove(location: Location, object: KubeObject, policy: "Background" | "Foreground" | "Orphan"): KubeObject {
    if (finalizersOf(object).length > 0) {
      if (stringAt(metadataOf(object), "deletionTimestamp") !== undefined) return object;
      return put(
        location,
        withMetadata(object, (m) => ({ ...m, deletionTimestamp: timestamp(clock) })),
        "MODIFIED",
      );
    }
    objects.delete(location.key);
    revision++;
    const gone = withMetadata(object, (m) => ({ ...m, resourceVersion: String(revision) }));
    record("DELETED", location, gone);
    if (isCrd(gone)) removeCustomResources(gone);
    const uid = stringAt(metadataOf(gone), "uid");
    if (uid !== undefined) {
      if (policy === "Orphan") orphanDependents(uid);
      else collectGarbage(uid);
    }
    return gone;
  }

  /**
   * Background garbage collection, done synchronously so tests see its end
   * state: a dependent none of whose owners still exists is deleted.
   */
  function collectGarbage(ownerUid: string): void {
    const liveUids = new Set([...objects.values()].flatMap((o) => stringAt(metadataOf(o), "uid") ?? []));
    for (const [key, object] of [...objects]) {
      const owners = ownerUidsOf(object);
      if (!owners.includes(ownerUid) || owners.some((uid) => liveUids.has(uid))) continue;
      const location = locationOf(object);
      const current = objects.get(key);
      if (location && current) remove(location, current, "Background");
    }
  }

  function orphanDependents(ownerUid: string): void {
    for (const object of [...objects.values()]) {
      if (!ownerUidsOf(object).includes(ownerUid)) continue;
      const location = locationOf(object);
      if (!location) continue;
      const orphaned = withMetadata(object, (m) => {
        const refs = Array.isArray(m.ownerReferences) ? m.ownerReferences : [];
        m.ownerReferences = refs.filter((r) => !(r !== null && typeof r === "object" && !Array.isArray(r) && r.uid === ownerUid));
        return m;
      });
      put(location, orphaned, "MODIFIED");
    }
  }

  /** Deleting a CRD stops serving its kinds and deletes their objects, as the API server does. */
  function removeCustomResources(crd: KubeObject): void {
    for (const spec of kindsOfCrd(crd)) {
      for (const object of [...objects.values()]) {
        if (object.apiVersion !== spec.apiVersion || object.kind !== spec.kind) continue;
        const location = locationOf(object);
        if (location) remove(location, object, "Background");
      }
      kinds.delete(kindKey(spec.apiVersion, spec.kind));
    }
  }

  /** Seeds an object as if it had existed (status kept, missing server metadata filled in). */
  function seed(object: KubeObject): void {
    const metadata = metadataOf(object);
    const location = locate(String(object.apiVersion), String(object.kind), stringAt(metadata, "name") ?? "", stringAt(metadata, "namespace"));
    if (!location.ok) throw new Error(`seed: ${location.error.message}`);
    const filled = withMetadata(cloneValue(object), (m) => {
      const out: ValueMap = { uid: newUid(), generation: 1n, creationTimestamp: timestamp(clock), ...m, name: location.value.name };
      if (location.value.namespace) out.namespace = location.value.namespace;
      return out;
    });
    put(location.value, filled, objects.has(location.value.key) ? "MODIFIED" : "ADDED");
  }

  return {
    registerKind,
    kindOf,
    locate,
    read,
    notFound,
    put,
    prepareCreate,
    prepareUpdate,
    commitUpdate,
    remove,
    seed,
    objects: () => [...objects.values()],
    kinds: () => [...kinds.values()],
    revision: () => revision,
    log,
  };
}

export type Store = ReturnType<typeof createStore>;
