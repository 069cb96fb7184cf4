import type { Value, ValueMap } from "../value/index.ts";

/**
 * The engine's only door to Kubernetes. Types only: adapters live in
 * `cluster/adapters/` and end with `satisfies ClusterApi`.
 * Every call resolves to a result value; adapters never reject.
 */
export type KubeObject = ValueMap;

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped kinds. */
  readonly namespace?: string;
  /** REST resource name; when absent the adapter discovers it (RF-40). */
  readonly plural?: string;
}

/** A kind, as an apiVersion and a kind name. */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

export interface KindInfo {
  readonly plural: string;
  readonly namespaced: boolean;
  /** Whether the kind serves a `/status` subresource (ST-1 recommendation). */
  readonly hasStatus: boolean;
}

export type ClusterErrorReason =
  | "NotFound"
  | "Conflict" // 409: stale resourceVersion, already exists, apply conflict
  | "Invalid" // 400 / 422
  | "Forbidden" // 401 / 403
  | "TooManyRequests" // 429
  | "Unavailable" // 5xx, timeouts, network failures
  | "Gone" // 410 on watch: resourceVersion too old
  | "Unknown";

export interface ClusterError {
  readonly reason: ClusterErrorReason;
  readonly status?: number;
  readonly message: string;
}

export type ClusterResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ClusterError };

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly plural?: string;
}

export interface ListResult {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
}

export interface ClusterReader {
  get(ref: ObjectRef): Promise<ClusterResult<KubeObject>>;
  list(apiVersion: string, kind: string, options?: ListOptions): Promise<ClusterResult<ListResult>>;
  /** Plural and scope of a kind through API discovery (RF-40, CTL-6). */
  discover(apiVersion: string, kind: string): Promise<ClusterResult<KindInfo>>;
}

export interface WriteOptions {
  readonly plural?: string;
  readonly fieldManager?: string;
  /** Suppresses persistence server-side (`dryRun=All`). */
  readonly dryRun?: boolean;
}

export interface PatchOptions extends WriteOptions {
  /** Patch the `/status` subresource instead of the main endpoint. */
  readonly subresource?: "status";
}

export interface ApplyOptions extends WriteOptions {
  readonly fieldManager: string;
  readonly force?: boolean;
}

export interface DeleteOptions {
  readonly plural?: string;
  readonly propagationPolicy?: "Background" | "Foreground" | "Orphan";
}

export interface ClusterWriter {
  create(object: KubeObject, options?: WriteOptions): Promise<ClusterResult<KubeObject>>;
  /** JSON merge patch (`application/merge-patch+json`), RF-23 / ST-1. */
  mergePatch(ref: ObjectRef, patch: Value, options?: PatchOptions): Promise<ClusterResult<KubeObject>>;
  /** Server-side apply (`application/apply-patch+yaml`). */
  apply(object: KubeObject, options: ApplyOptions): Promise<ClusterResult<KubeObject>>;
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<ClusterResult<void>>;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

export interface WatchOptions {
  readonly namespace?: string;
  readonly resourceVersion?: string;
  readonly plural?: string;
}

export interface WatchHandle {
  stop(): void;
  /** Resolves when the stream ends: stopped, closed by the server, or failed. */
  readonly done: Promise<ClusterResult<void>>;
}

export interface ClusterWatcher {
  watch(apiVersion: string, kind: string, options: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<ClusterResult<WatchHandle>>;
}

/** An API group as `/apis` lists it. The core group ("", version v1) is not listed. */
export interface ApiGroupInfo {
  readonly name: string;
  readonly versions: readonly string[];
  readonly preferredVersion: string;
}

/** One kind served in a group-version, as its APIResourceList describes it. */
export interface KindCatalogEntry {
  readonly kind: string;
  readonly plural: string;
  /** "" when the server does not say. */
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
}

/**
 * API discovery beyond one kind's `discover`: what kubectl reads to resolve a KIND
 * argument (`webapp`, `webapps.apps.example`; CLI-13, CLI-14). A separate port so
 * adapters that cannot list everything (FunctionTest's scripted cluster) need not.
 */
export interface ClusterDiscovery {
  /** The API groups (`/apis`). */
  apiGroups(): Promise<ClusterResult<ApiGroupInfo[]>>;
  /** The kinds of one group-version (`/api/v1`, `/apis/<group>/<version>`); NotFound when it is not served. */
  discoverKinds(apiVersion: string): Promise<ClusterResult<KindCatalogEntry[]>>;
}

/** What a reconcile needs. */
export interface ClusterApi extends ClusterReader, ClusterWriter {}

/** What the relay needs in addition. */
export interface WatchableClusterApi extends ClusterApi, ClusterWatcher {}
