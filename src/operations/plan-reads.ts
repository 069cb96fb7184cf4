/**
 * The cluster as one trigger's plan sees it: reads only, and each object read once. Both dry
 * runs of a trigger (and the live lookups of the diff) ask for the same objects; they get the
 * same answer, so the two runs differ only by their definitions, and a plan costs about one
 * GET per object instead of one per question. Writes are refused here as a second guard:
 * the dry-run wrapper already records them and never passes them on.
 */
import type { ClusterApi, ClusterDiscovery, ClusterResult, KubeObject, ObjectRef } from "../cluster/index.ts";
import { fail } from "../cluster/index.ts";
import { isMap } from "../value/index.ts";

const READ_ONLY = "koreo plan never writes to the cluster";

/** `seed`: objects already read (the trigger, from its list), answered without a GET. */
export function readOnceCluster(cluster: ClusterApi, seed: readonly KubeObject[] = []): ClusterApi & Partial<ClusterDiscovery> {
  const reads = new Map<string, Promise<ClusterResult<KubeObject>>>();
  for (const object of seed) reads.set(keyOf(refOf(object)), Promise.resolve({ ok: true, value: object }));
  return {
    get(ref) {
      const key = keyOf(ref);
      const known = reads.get(key);
      if (known !== undefined) return known;
      const read = cluster.get(ref);
      reads.set(key, read);
      return read;
    },
    list: (apiVersion, kind, options) => cluster.list(apiVersion, kind, options),
    discover: (apiVersion, kind) => cluster.discover(apiVersion, kind),
    ...discoveryOf(cluster),
    create: async () => fail("Forbidden", READ_ONLY),
    mergePatch: async () => fail("Forbidden", READ_ONLY),
    apply: async () => fail("Forbidden", READ_ONLY),
    delete: async () => fail("Forbidden", READ_ONLY),
  };
}

/** API discovery, when the cluster offers it (resolving kinds by group). */
function discoveryOf(cluster: ClusterApi): Partial<ClusterDiscovery> {
  const discovery = cluster as ClusterApi & Partial<ClusterDiscovery>;
  const { apiGroups, discoverKinds } = discovery;
  if (typeof apiGroups !== "function" || typeof discoverKinds !== "function") return {};
  return { apiGroups: () => apiGroups.call(discovery), discoverKinds: (apiVersion) => discoverKinds.call(discovery, apiVersion) };
}

function keyOf(ref: ObjectRef): string {
  return `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ""}|${ref.name}`;
}

function refOf(object: KubeObject): ObjectRef {
  const metadata = isMap(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
  return { apiVersion: String(object.apiVersion), kind: String(object.kind), name: String(metadata.name), ...(namespace !== undefined && { namespace }) };
}
