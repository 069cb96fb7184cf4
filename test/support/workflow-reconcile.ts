import type { ClusterApi, PatchOptions } from "../../src/cluster/cluster-api.ts";
import type { Value } from "../../src/value/value.ts";

export type { ClusterApi };

export interface MergePatchCall {
  readonly patch: Value;
  readonly options?: PatchOptions;
}

/** Wraps a cluster so a test can see every merge patch it received. */
export function recordPatches(inner: ClusterApi): { cluster: ClusterApi; patches: MergePatchCall[] } {
  const patches: MergePatchCall[] = [];
  const cluster: ClusterApi = {
    ...inner,
    get: (ref) => inner.get(ref),
    list: (a, k, o) => inner.list(a, k, o),
    discover: (a, k) => inner.discover(a, k),
    create: (o, opts) => inner.create(o, opts),
    apply: (o, opts) => inner.apply(o, opts),
    delete: (r, opts) => inner.delete(r, opts),
    mergePatch: (ref, patch, options) => {
      if (ref.kind === "App") patches.push({ patch, ...(options && { options }) });
      return inner.mergePatch(ref, patch, options);
    },
  };
  return { cluster, patches };
}
