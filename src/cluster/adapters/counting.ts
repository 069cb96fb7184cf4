import type { ClusterApi, ClusterDiscovery, ClusterWatcher, WatchableClusterApi } from "../cluster-api.ts";

/** The port's verbs; benches report API calls per no-op reconcile by these. */
export type ClusterVerb = "get" | "list" | "discover" | "create" | "mergePatch" | "apply" | "delete" | "watch";

export const CLUSTER_VERBS: readonly ClusterVerb[] = ["get", "list", "discover", "create", "mergePatch", "apply", "delete", "watch"];
const WRITE_VERBS: ReadonlySet<ClusterVerb> = new Set(["create", "mergePatch", "apply", "delete"]);

export interface CallCounter {
  /** Calls per verb since creation or the last reset. */
  counts(): Readonly<Record<ClusterVerb, number>>;
  total(): number;
  /** create + mergePatch + apply + delete. */
  writes(): number;
  reset(): void;
  record(verb: ClusterVerb): void;
}

function zeroCounts(): Record<ClusterVerb, number> {
  return { get: 0, list: 0, discover: 0, create: 0, mergePatch: 0, apply: 0, delete: 0, watch: 0 };
}

export function createCallCounter(): CallCounter {
  let counts = zeroCounts();
  return {
    counts: () => ({ ...counts }),
    total: () => CLUSTER_VERBS.reduce((sum, verb) => sum + counts[verb], 0),
    writes: () => CLUSTER_VERBS.reduce((sum, verb) => sum + (WRITE_VERBS.has(verb) ? counts[verb] : 0), 0),
    reset: () => void (counts = zeroCounts()),
    record: (verb) => void counts[verb]++,
  };
}

export interface Counted {
  readonly calls: CallCounter;
}

function countedApi(cluster: ClusterApi, calls: CallCounter): ClusterApi {
  return {
    get: (ref) => (calls.record("get"), cluster.get(ref)),
    list: (apiVersion, kind, options) => (calls.record("list"), cluster.list(apiVersion, kind, options)),
    discover: (apiVersion, kind) => (calls.record("discover"), cluster.discover(apiVersion, kind)),
    create: (object, options) => (calls.record("create"), cluster.create(object, options)),
    mergePatch: (ref, patch, options) => (calls.record("mergePatch"), cluster.mergePatch(ref, patch, options)),
    apply: (object, options) => (calls.record("apply"), cluster.apply(object, options)),
    delete: (ref, options) => (calls.record("delete"), cluster.delete(ref, options)),
  } satisfies ClusterApi;
}

/** The discovery methods of `cluster`, when it has them, each call reported to `onCall` (dry-run and counting pass them through). */
export function discoveryOf(cluster: ClusterApi, onCall: () => void = () => {}): Partial<ClusterDiscovery> {
  const discovery = cluster as ClusterApi & Partial<ClusterDiscovery>;
  const { apiGroups, discoverKinds } = discovery;
  if (typeof apiGroups !== "function" || typeof discoverKinds !== "function") return {};
  return {
    apiGroups: () => (onCall(), apiGroups.call(discovery)),
    discoverKinds: (apiVersion) => (onCall(), discoverKinds.call(discovery, apiVersion)),
  };
}

function hasWatch(cluster: ClusterApi): cluster is WatchableClusterApi {
  return typeof (cluster as Partial<ClusterWatcher>).watch === "function";
}

/** Wraps any adapter and counts calls per verb; watch and discovery (counted as `discover`) are wrapped only when the adapter has them. */
export function withCallCounting(cluster: WatchableClusterApi): WatchableClusterApi & Counted & Partial<ClusterDiscovery>;
export function withCallCounting(cluster: ClusterApi): ClusterApi & Counted & Partial<ClusterDiscovery>;
export function withCallCounting(cluster: ClusterApi): ClusterApi & Counted & Partial<ClusterDiscovery> {
  const calls = createCallCounter();
  const api = { ...countedApi(cluster, calls), ...discoveryOf(cluster, () => calls.record("discover")) };
  if (!hasWatch(cluster)) return { ...api, calls };
  const watch: ClusterWatcher["watch"] = (apiVersion, kind, options, onEvent) => {
    calls.record("watch");
    return cluster.watch(apiVersion, kind, options, onEvent);
  };
  const watchable: WatchableClusterApi & Counted & Partial<ClusterDiscovery> = { ...api, watch, calls };
  return watchable;
}
