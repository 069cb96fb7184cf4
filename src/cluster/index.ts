/**
 * The ClusterApi port (types) and pure readers of object metadata; its adapters have their own face, adapters/index.ts.
 * May import: ports, value.
 */
export type {
  ApiGroupInfo,
  ClusterApi,
  ClusterDiscovery,
  ClusterError,
  ClusterReader,
  ClusterResult,
  ClusterWatcher,
  ClusterWriter,
  KindCatalogEntry,
  KindInfo,
  KindRef,
  KubeObject,
  ListResult,
  ObjectRef,
  WatchableClusterApi,
  WatchEvent,
} from "./cluster-api.ts";
export { fail, isTransient, ok } from "./errors.ts";
export { isCrd } from "./kinds.ts";
export { annotationsOf, metadataOf, objectKey, refOf, resourceVersionOf, uidOf, withMetadata } from "./object-meta.ts";
