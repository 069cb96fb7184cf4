import { cloneValue, isMap, type Value } from "../../value/index.ts";
import { systemClock, type Clock } from "../../ports/index.ts";
import type {
  ApiGroupInfo,
  ApplyOptions,
  ClusterDiscovery,
  ClusterError,
  ClusterResult,
  DeleteOptions,
  KindCatalogEntry,
  KindInfo,
  KubeObject,
  ListOptions,
  ListResult,
  ObjectRef,
  PatchOptions,
  WatchableClusterApi,
  WatchEvent,
  WatchHandle,
  WatchOptions,
  WriteOptions,
} from "../cluster-api.ts";
import { clusterError, fail, ok } from "../errors.ts";
import { asJsonWouldReturn } from "../json-numbers.ts";
import { BUILTIN_KINDS, type KindSpec } from "../kinds.ts";
import { applyMergePatch } from "../../value/index.ts";
import { labelsOf, metadataOf, stringAt } from "../object-meta.ts";
import { matchesSelector, parseFieldSelector, parseSelector } from "../../value/index.ts";
import { createCallCounter, type CallCounter, type ClusterVerb } from "./counting.ts";
import { createStore, type Location, type Store } from "./in-memory-store.ts";

export interface InMemoryClusterOptions {
  readonly clock?: Clock;
  /** Kinds served besides the built-ins (CRDs created in the cluster register themselves). */
  readonly kinds?: readonly KindSpec[];
  /** Watch history kept for resuming; a watch from an older resourceVersion gets Gone. Default 10 000 events. */
  readonly historySize?: number;
}

export interface InMemoryCluster extends WatchableClusterApi, ClusterDiscovery {
  /** Puts objects in place as if they had existed: status is kept; uid, generation, timestamps filled when absent. Throws on an unknown kind (test setup bug). */
  seed(objects: readonly KubeObject[]): void;
  /** Deep copies of every stored object. */
  all(): KubeObject[];
  readonly calls: CallCounter;
  registerKind(kind: KindSpec): void;
  /** The next call of `verb` fails with `error` (queued: call twice to fail twice). For RF-20/RF-28 tests. */
  failNext(verb: ClusterVerb, error: ClusterError): void;
  /** Ends every open watch as the server would; `done` resolves with the error when given (e.g. Gone). */
  closeWatches(error?: ClusterError): void;
}

const CONFLICT_MESSAGE = "the object has been modified; please apply your changes to the latest version and try again";

/** Turns a thrown bug into a result, keeping the port's "never rejects" promise. */
function settle<T>(run: () => ClusterResult<T>): Promise<ClusterResult<T>> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.resolve(fail("Unknown", `in-memory cluster: ${error instanceof Error ? error.message : String(error)}`));
  }
}

function resourceVersionOf(object: Value): string | undefined {
  return isMap(object) ? stringAt(metadataOf(object), "resourceVersion") : undefined;
}

/** Optimistic concurrency: a resourceVersion in the request must match the live one. */
function isStale(request: Value, live: KubeObject): boolean {
  const requested = resourceVersionOf(request);
  return requested !== undefined && requested !== resourceVersionOf(live);
}

function wrongPlural(location: Location, plural: string | undefined): boolean {
  return plural !== undefined && plural !== location.spec.plural;
}

function identityOf(object: KubeObject): ClusterResult<{ apiVersion: string; kind: string; name: string; namespace?: string }> {
  const metadata = metadataOf(object);
  const name = stringAt(metadata, "name");
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") return fail("Invalid", "Object 'apiVersion' and 'kind' are required");
  if (!name) return fail("Invalid", `${object.kind}: metadata.name: Required value: name or generateName is required`);
  return ok({ apiVersion: object.apiVersion, kind: object.kind, name, namespace: stringAt(metadata, "namespace") });
}

/** Fills `metadata.name` from `generateName` the way the API server does. */
function withGeneratedName(object: KubeObject, sequence: number): KubeObject {
  const metadata = metadataOf(object);
  const prefix = stringAt(metadata, "generateName");
  if (stringAt(metadata, "name") || prefix === undefined) return object;
  return { ...object, metadata: { ...metadata, name: `${prefix}${sequence.toString(36).padStart(5, "0")}` } };
}

/**
 * An API server in memory, faithful where the engine can observe it:
 * uid, resourceVersion (stale → Conflict), generation, finalizers and
 * deletionTimestamp, ownerReference garbage collection, status subresource,
 * discovery (built-ins and CRDs created in it), dryRun, and watch from a
 * resourceVersion. Returned objects are deep copies; numbers go through what
 * JSON would do to them (`2.0` comes back as the int 2).
 *
 * Simplifications: server-side apply is create-or-merge (no field ownership,
 * so `force` never matters); Foreground deletion behaves as Background and
 * collection is synchronous; namespaces need not exist; no admission or
 * schema validation.
 */
export function createInMemoryCluster(options: InMemoryClusterOptions = {}): InMemoryCluster {
  const store: Store = createStore(options.clock ?? systemClock, [...BUILTIN_KINDS, ...(options.kinds ?? [])], options.historySize ?? 10_000);
  const calls = createCallCounter();
  const faults = new Map<ClusterVerb, ClusterError[]>();
  const openWatches = new Set<(result: ClusterResult<void>) => void>();
  let generatedNames = 0;

  /** Counts the call and returns a queued fault, if any. */
  function begin(verb: ClusterVerb): ClusterError | undefined {
    calls.record(verb);
    return faults.get(verb)?.shift();
  }

  function locateRef(ref: ObjectRef): ClusterResult<Location> {
    const location = store.locate(ref.apiVersion, ref.kind, ref.name, ref.namespace);
    if (location.ok && wrongPlural(location.value, ref.plural)) return fail("NotFound", "the server could not find the requested resource");
    return location;
  }

  function get(ref: ObjectRef): Promise<ClusterResult<KubeObject>> {
    const fault = begin("get");
    return settle(() => {
      if (fault) return { ok: false, error: fault };
      const location = locateRef(ref);
      if (!location.ok) return location;
      const live = store.read(location.value);
      return live ? ok(cloneValue(live)) : store.notFound(location.value);
    });
  }

  function list(apiVersion: string, kind: string, listOptions: ListOptions = {}): Promise<ClusterResult<ListResult>> {
    const fault = begin("list");
    return settle(() => {
      if (fault) return { ok: false, error: fault };
      const spec = store.kindOf(apiVersion, kind);
      if (!spec.ok) return spec;
      const labels = parseSelector(listOptions.labelSelector ?? "");
      if (!labels.ok) return fail("Invalid", labels.message, 400);
      const fields = parseFieldSelector(listOptions.fieldSelector ?? "");
      if (!fields.ok) return fail("Invalid", fields.message, 400);
      // "" is Kubernetes' "all namespaces", as in a list path without /namespaces/<ns>.
      const namespace = spec.value.namespaced && listOptions.namespace !== "" ? listOptions.namespace : undefined;
      const items = store
        .objects()
        .filter((o) => o.apiVersion === apiVersion && o.kind === kind)
        .filter((o) => {
          const metadata = metadataOf(o);
          const fieldValues = { "metadata.name": stringAt(metadata, "name") ?? "", "metadata.namespace": stringAt(metadata, "namespace") ?? "" };
          if (namespace !== undefined && fieldValues["metadata.namespace"] !== namespace) return false;
          return matchesSelector(labels.value, labelsOf(o)) && matchesSelector(fields.value, fieldValues);
        })
        .sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
        .map((o) => cloneValue(o));
      return ok({ items, resourceVersion: String(store.revision()) });
    });
  }

  function discover(apiVersion: string, kind: string): Promise<ClusterResult<KindInfo>> {
    const fault = begin("discover");
    return settle(() => {
      if (fault) return { ok: false, error: fault };
      const spec = store.kindOf(apiVersion, kind);
      if (!spec.ok) return spec;
      const { plural, namespaced, hasStatus } = spec.value;
      return ok({ plural, namespaced, hasStatus });
    });
  }

  /** Discovery over the served kinds; a group's preferred version is the first one served. Counted as `discover`. */
  function apiGroups(): Promise<ClusterResult<ApiGroupInfo[]>> {
    const fault = begin("discover");
    return settle(() => {
      if (fault) return { ok: false, error: fault };
      const groups = new Map<string, string[]>();
      for (const { apiVersion } of store.kinds()) {
        const slash = apiVersion.indexOf("/");
        if (slash < 0) continue;
        const versions = groups.get(apiVersion.slice(0, slash)) ?? [];
        if (!versions.includes(apiVersion.slice(slash + 1))) versions.push(apiVersion.slice(slash + 1));
        groups.set(apiVersion.slice(0, slash), versions);
      }
      return ok([...groups].map(([name, versions]) => ({ name, versions, preferredVersion: versions[0] ?? "" })));
    });
  }

  function discoverKinds(apiVersion: string): Promise<ClusterResult<KindCatalogEntry[]>> {
    const fault = begin("discover");
    return settle(() => {
      if (fault) return { ok: false, error: fault };
      const served = store.kinds().filter((k) => k.apiVersion === apiVersion);
      if (served.length === 0) return fail("NotFound", "the server could not find the requested resource");
      return ok(served.map((k) => ({ kind: k.kind, plural: k.plural, singular: k.kind.toLowerCase(), shortNames: [], namespaced: k.namespaced })));
    });
  }

  function createNow(body: KubeObject, writeOptions: WriteOptions): ClusterResult<KubeObject> {
    const identity = identityOf(body);
    if (!identity.ok) return identity;
    const { apiVersion, kind, name, namespace } = identity.value;
    const location = store.locate(apiVersion, kind, name, namespace);
    if (!location.ok) return location;
    if (wrongPlural(location.value, writeOptions.plural)) return fail("NotFound", "the server could not find the requested resource");
    if (store.read(location.value)) return fail("Conflict", `${location.value.spec.plural} "${name}" already exists`);
    if (resourceVersionOf(body) !== undefined) return fail("Invalid", "metadata.resourceVersion: Invalid value: must be empty on create");
    const created = store.prepareCreate(location.value, body);
    if (writeOptions.dryRun) return ok(created);
    return ok(cloneValue(store.put(location.value, created, "ADDED")));
  }

  function create(object: KubeObject, writeOptions: WriteOptions = {}): Promise<ClusterResult<KubeObject>> {
    const fault = begin("create");
    return settle(() => {
      if (fault) return { ok: false, error: fault };
      const body = asJsonWouldReturn(withGeneratedName(object, ++generatedNames));
      return createNow(isMap(body) ? body : {}, writeOptions);
    });
  }

  function updateNow(location: Location, live: KubeObject, candidate: KubeObject, patchOptions: PatchOptions): ClusterResult<KubeObject> {
    const next = store.prepareUpdate(location, live, candidate, patchOptions.subresource === "status");
    if (patchOptions.dryRun) return ok(cloneValue(next));
    return ok(cloneValue(store.commitUpdate(location, live, next)));
  }

  function mergePatch(ref: ObjectRef, patch: Value, patchOptions: PatchOptions = {}): Promise<ClusterResult<KubeObject>> {
    const fault = begin("mergePatch");
    return settle(() => {
      if (fault) return { ok: false, error: fault };
      const location = locateRef(ref);
      if (!location.ok) return location;
      if (patchOptions.subresource === "status" && !location.value.spec.hasStatus) {
        return fail("NotFound", `the server could not find the requested resource (${location.value.spec.plural}/status)`);
      }
      const live = store.read(location.value);
      if (!live) return store.notFound(location.value);
      if (!isMap(patch)) return fail("Invalid", "a merge patch must be a JSON object", 400);
      if (isStale(patch, live)) return fail("Conflict", `Operation cannot be fulfilled on ${location.value.spec.plural} "${ref.name}": ${CONFLICT_MESSAGE}`);
      const merged = applyMergePatch(live, asJsonWouldReturn(patch));
      return updateNow(location.value, live, isMap(merged) ? merged : live, patchOptions);
    });
  }

  function apply(object: KubeObject, applyOptions: ApplyOptions): Promise<ClusterResult<KubeObject>> {
    const fault = begin("apply");
    return settle(() => {
      if (fault) return { ok: false, error: fault };
      if (!applyOptions.fieldManager) return fail("Invalid", "PATCH requests with apply content type require fieldManager", 400);
      const identity = identityOf(object);
      if (!identity.ok) return identity;
      const location = locateRef({ ...identity.value, plural: applyOptions.plural });
      if (!location.ok) return location;
      const body = asJsonWouldReturn(object);
      const live = store.read(location.value);
      if (!live) return createNow(withoutResourceVersion(isMap(body) ? body : {}), applyOptions);
      if (isStale(object, live))
        return fail("Conflict", `Operation cannot be fulfilled on ${location.value.spec.plural} "${identity.value.name}": ${CONFLICT_MESSAGE}`);
      const merged = applyMergePatch(live, body);
      return updateNow(location.value, live, isMap(merged) ? merged : live, applyOptions);
    });
  }

  function remove(ref: ObjectRef, deleteOptions: DeleteOptions = {}): Promise<ClusterResult<void>> {
    const fault = begin("delete");
    return settle(() => {
      if (fault) return { ok: false, error: fault };
      const location = locateRef({ ...ref, plural: deleteOptions.plural ?? ref.plural });
      if (!location.ok) return location;
      const live = store.read(location.value);
      if (!live) return store.notFound(location.value);
      store.remove(location.value, live, deleteOptions.propagationPolicy ?? "Background");
      return ok(undefined);
    });
  }

  function watch(apiVersion: string, kind: string, watchOptions: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<ClusterResult<WatchHandle>> {
    const fault = begin("watch");
    return settle(() => {
      if (fault) return { ok: false, error: fault };
      const spec = store.kindOf(apiVersion, kind);
      if (!spec.ok) return spec;
      if (watchOptions.plural !== undefined && watchOptions.plural !== spec.value.plural)
        return fail("NotFound", "the server could not find the requested resource");
      const filter = { apiVersion, kind, namespace: spec.value.namespaced ? watchOptions.namespace : undefined };
      const subscription = store.log.subscribe(filter, onEvent);
      const from = watchOptions.resourceVersion;
      if (from === undefined || from === "" || from === "0") {
        // Like the API server: without a resourceVersion the stream starts with the current objects.
        for (const object of store.objects()) {
          const ns = stringAt(metadataOf(object), "namespace");
          if (object.apiVersion !== apiVersion || object.kind !== kind) continue;
          if (filter.namespace === undefined || filter.namespace === ns) subscription.deliver({ type: "ADDED", object });
        }
      } else {
        const replay = /^\d+$/.test(from) ? store.log.since(Number(from), filter) : undefined;
        if (!replay) {
          subscription.cancel();
          return /^\d+$/.test(from) ? fail("Gone", `too old resource version: ${from}`) : fail("Invalid", `invalid resourceVersion "${from}"`, 400);
        }
        for (const event of replay) subscription.deliver({ type: event.type, object: event.object });
      }
      return ok(watchHandle(subscription));
    });
  }

  function watchHandle(subscription: { cancel(): void }): WatchHandle {
    let finish: (result: ClusterResult<void>) => void = () => {};
    const done = new Promise<ClusterResult<void>>((resolve) => (finish = resolve));
    const end = (result: ClusterResult<void>): void => {
      subscription.cancel();
      openWatches.delete(end);
      finish(result);
    };
    openWatches.add(end);
    return { stop: () => end(ok(undefined)), done };
  }

  return {
    get,
    list,
    discover,
    apiGroups,
    discoverKinds,
    create,
    mergePatch,
    apply,
    delete: remove,
    watch,
    seed: (objects) => objects.forEach((o) => store.seed(asJsonWouldReturn(o) as KubeObject)),
    all: () => store.objects().map((o) => cloneValue(o)),
    calls,
    registerKind: store.registerKind,
    failNext: (verb, error) => faults.set(verb, [...(faults.get(verb) ?? []), clusterError(error.reason, error.message, error.status)]),
    closeWatches: (error) => [...openWatches].forEach((end) => end(error ? { ok: false, error } : ok(undefined))),
  } satisfies InMemoryCluster;
}

function sortKey(object: KubeObject): string {
  const metadata = metadataOf(object);
  return `${stringAt(metadata, "namespace") ?? ""}/${stringAt(metadata, "name") ?? ""}`;
}

function withoutResourceVersion(object: KubeObject): KubeObject {
  const metadata = { ...metadataOf(object) };
  delete metadata.resourceVersion;
  return { ...object, metadata };
}
