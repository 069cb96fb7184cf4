import { isList, isMap, type Value } from "../../value/index.ts";
import type {
  ApiGroupInfo,
  ApplyOptions,
  ClusterDiscovery,
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
import { fail, ok } from "../errors.ts";
import { refOf, stringAt } from "../object-meta.ts";
import { createDiscovery, readApiGroups, readKindCatalog } from "./client-node-discovery.ts";
import { collectionPath, groupVersionPath, objectPath } from "./client-node-paths.ts";
import { createRestTransport, type KubeConfigSlice, type RestRequest } from "./client-node-transport.ts";
import { startWatch } from "./client-node-watch.ts";
import { DEFAULT_READ_RETRY, retryTransient, type RetryPolicy } from "./retry.ts";

export interface ClientNodeClusterOptions {
  /** Per-request timeout; a timeout is Unavailable. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Retries of idempotent reads (get, list, discover) on Unavailable/TooManyRequests. Default 3 attempts, 200 ms base. */
  readonly readRetry?: RetryPolicy;
  /** Bearer token per request, watches included, overriding the kubeconfig user (EKS tokens expire; see eks-token.ts). */
  readonly bearerToken?: () => Promise<string>;
}

const MERGE_PATCH = "application/merge-patch+json";
const APPLY_PATCH = "application/apply-patch+yaml";

interface Target {
  readonly plural: string;
  readonly namespace: string | undefined;
}

function asObject(result: ClusterResult<Value>): ClusterResult<KubeObject> {
  if (!result.ok) return result;
  return isMap(result.value) ? ok(result.value) : fail("Unknown", "the API server answered with something other than an object");
}

/** List items come without apiVersion/kind on the wire; the engine expects whole objects. */
function asList(result: ClusterResult<Value>, apiVersion: string, kind: string): ClusterResult<ListResult> {
  if (!result.ok) return result;
  const body = result.value;
  if (!isMap(body) || !isList(body.items)) return fail("Unknown", "the API server answered a list with something other than a list");
  const items = body.items.filter(isMap).map((item) => ({ apiVersion, kind, ...item }));
  const resourceVersion = stringAt(isMap(body.metadata) ? body.metadata : undefined, "resourceVersion") ?? "";
  return ok({ items, resourceVersion });
}

function writeQuery(options: WriteOptions): Record<string, string | undefined> {
  return { dryRun: options.dryRun ? "All" : undefined, fieldManager: options.fieldManager };
}

/**
 * ClusterApi over a real API server: plain REST and watches over node:http(s)
 * (client-node-transport.ts, client-node-watch.ts). Only the kubeconfig comes
 * from outside: client-node's KubeConfig (files, exec plugins, OIDC…) or the
 * light one of kube-access.ts; nothing else of client-node is loaded, which
 * keeps the Lambda bundle small and its cold import short.
 * JSON becomes Value at this edge: whole numbers come back as ints (bigint).
 */
export function createClientNodeCluster(kubeConfig: KubeConfigSlice, options: ClientNodeClusterOptions = {}): WatchableClusterApi & ClusterDiscovery {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const readRetry = options.readRetry ?? DEFAULT_READ_RETRY;
  const transport = createRestTransport(kubeConfig, { timeoutMs, bearerToken: options.bearerToken });
  const read = (request: Omit<RestRequest, "method">) => retryTransient(readRetry, () => transport.send({ method: "GET", ...request }));
  const discovery = createDiscovery((apiVersion) => read({ path: groupVersionPath(apiVersion) }));

  /** Plural and namespace of a request: explicit plural skips discovery (RF-40); namespaced kinds default to "default" like kubectl. */
  async function target(apiVersion: string, kind: string, namespace: string | undefined, plural: string | undefined): Promise<ClusterResult<Target>> {
    if (plural) return ok({ plural, namespace });
    const info = await discovery.discover(apiVersion, kind);
    if (!info.ok) return info;
    return ok({ plural: info.value.plural, namespace: info.value.namespaced ? namespace || "default" : undefined });
  }

  async function get(ref: ObjectRef): Promise<ClusterResult<KubeObject>> {
    const where = await target(ref.apiVersion, ref.kind, ref.namespace, ref.plural);
    if (!where.ok) return where;
    return asObject(await read({ path: objectPath(ref.apiVersion, where.value.plural, where.value.namespace, ref.name) }));
  }

  async function list(apiVersion: string, kind: string, listOptions: ListOptions = {}): Promise<ClusterResult<ListResult>> {
    const where = await target(apiVersion, kind, undefined, listOptions.plural);
    if (!where.ok) return where;
    const query = { labelSelector: listOptions.labelSelector, fieldSelector: listOptions.fieldSelector };
    const path = collectionPath(apiVersion, where.value.plural, listOptions.namespace);
    return asList(await read({ path, query }), apiVersion, kind);
  }

  function discover(apiVersion: string, kind: string): Promise<ClusterResult<KindInfo>> {
    return discovery.discover(apiVersion, kind);
  }

  async function apiGroups(): Promise<ClusterResult<ApiGroupInfo[]>> {
    const list = await read({ path: "/apis" });
    return list.ok ? ok(readApiGroups(list.value)) : list;
  }

  async function discoverKinds(apiVersion: string): Promise<ClusterResult<KindCatalogEntry[]>> {
    const list = await read({ path: groupVersionPath(apiVersion) });
    return list.ok ? ok(readKindCatalog(list.value)) : list;
  }

  async function create(object: KubeObject, writeOptions: WriteOptions = {}): Promise<ClusterResult<KubeObject>> {
    const ref = refOf(object);
    const where = await target(ref.apiVersion, ref.kind, ref.namespace, writeOptions.plural);
    if (!where.ok) return where;
    const path = collectionPath(ref.apiVersion, where.value.plural, where.value.namespace);
    return asObject(await transport.send({ method: "POST", path, query: writeQuery(writeOptions), body: object }));
  }

  async function mergePatch(ref: ObjectRef, patch: Value, patchOptions: PatchOptions = {}): Promise<ClusterResult<KubeObject>> {
    const where = await target(ref.apiVersion, ref.kind, ref.namespace, patchOptions.plural ?? ref.plural);
    if (!where.ok) return where;
    const path = objectPath(ref.apiVersion, where.value.plural, where.value.namespace, ref.name, patchOptions.subresource);
    return asObject(await transport.send({ method: "PATCH", path, query: writeQuery(patchOptions), body: patch, contentType: MERGE_PATCH }));
  }

  async function apply(object: KubeObject, applyOptions: ApplyOptions): Promise<ClusterResult<KubeObject>> {
    const ref = refOf(object);
    const where = await target(ref.apiVersion, ref.kind, ref.namespace, applyOptions.plural);
    if (!where.ok) return where;
    const path = objectPath(ref.apiVersion, where.value.plural, where.value.namespace, ref.name);
    const query = { ...writeQuery(applyOptions), force: applyOptions.force ? "true" : undefined };
    // JSON is valid YAML, so the apply body is sent as JSON (exact ints).
    return asObject(await transport.send({ method: "PATCH", path, query, body: object, contentType: APPLY_PATCH }));
  }

  async function remove(ref: ObjectRef, deleteOptions: DeleteOptions = {}): Promise<ClusterResult<void>> {
    const where = await target(ref.apiVersion, ref.kind, ref.namespace, deleteOptions.plural ?? ref.plural);
    if (!where.ok) return where;
    const path = objectPath(ref.apiVersion, where.value.plural, where.value.namespace, ref.name);
    const result = await transport.send({ method: "DELETE", path, query: { propagationPolicy: deleteOptions.propagationPolicy } });
    return result.ok ? ok(undefined) : result;
  }

  async function watch(
    apiVersion: string,
    kind: string,
    watchOptions: WatchOptions,
    onEvent: (event: WatchEvent) => void,
  ): Promise<ClusterResult<WatchHandle>> {
    const where = await target(apiVersion, kind, undefined, watchOptions.plural);
    if (!where.ok) return where;
    const path = collectionPath(apiVersion, where.value.plural, watchOptions.namespace);
    const query = { allowWatchBookmarks: "true", resourceVersion: watchOptions.resourceVersion || undefined };
    return startWatch(transport, path, query, onEvent);
  }

  return { get, list, discover, apiGroups, discoverKinds, create, mergePatch, apply, delete: remove, watch } satisfies WatchableClusterApi & ClusterDiscovery;
}
