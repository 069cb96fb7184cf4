import { cloneValue, isMap, type Value } from "../../value/index.ts";
import { systemClock, type Clock } from "../../ports/index.ts";
import type { ClusterApi, ClusterDiscovery, ClusterResult, KubeObject, ObjectRef } from "../cluster-api.ts";
import { discoveryOf } from "./counting.ts";
import { ok } from "../errors.ts";
import { applyMergePatch } from "../../value/index.ts";
import { refOf, withMetadata } from "../object-meta.ts";

/** A write the engine asked for, kept instead of sent. */
export interface RecordedWrite {
  readonly verb: "create" | "mergePatch" | "apply" | "delete";
  readonly ref: ObjectRef;
  /** The object (create, apply) or the patch (mergePatch); absent for delete. */
  readonly body?: Value;
  readonly subresource?: "status";
}

export interface DryRunCluster extends ClusterApi, Partial<ClusterDiscovery> {
  /** Writes in the order they were asked for (deep copies). */
  writes(): RecordedWrite[];
}

/**
 * Reads pass through; writes are recorded and answered as if they had
 * succeeded, never sent (webhook dry-run route, `koreo render`). Reads do not
 * see earlier recorded writes: each reconcile pass sees the real cluster.
 */
export function withDryRun(cluster: ClusterApi, options: { clock?: Clock } = {}): DryRunCluster {
  const clock = options.clock ?? systemClock;
  const recorded: RecordedWrite[] = [];
  let sequence = 0;

  function record(write: RecordedWrite): void {
    recorded.push(copyOf(write));
  }

  /** What the API server would add on create. */
  function asCreated(object: KubeObject): KubeObject {
    sequence++;
    const created = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
    return withMetadata(cloneValue(object), (m) => ({
      ...m,
      uid: `00000000-0000-4000-9000-${sequence.toString(16).padStart(12, "0")}`,
      generation: 1n,
      creationTimestamp: created,
    }));
  }

  async function patchedFromFreshRead(ref: ObjectRef, patch: Value, absent?: () => KubeObject): Promise<ClusterResult<KubeObject>> {
    const live = await cluster.get(ref);
    if (!live.ok && live.error.reason === "NotFound" && absent) return ok(absent());
    if (!live.ok) return live;
    const merged = applyMergePatch(live.value, patch);
    return ok(isMap(merged) ? merged : live.value);
  }

  return {
    get: (ref) => cluster.get(ref),
    list: (apiVersion, kind, listOptions) => cluster.list(apiVersion, kind, listOptions),
    discover: (apiVersion, kind) => cluster.discover(apiVersion, kind),
    ...discoveryOf(cluster),
    async create(object) {
      record({ verb: "create", ref: refOf(object), body: object });
      return ok(asCreated(object));
    },
    async mergePatch(ref, patch, patchOptions = {}) {
      record(
        patchOptions.subresource ? { verb: "mergePatch", ref, body: patch, subresource: patchOptions.subresource } : { verb: "mergePatch", ref, body: patch },
      );
      return patchedFromFreshRead(ref, patch);
    },
    async apply(object) {
      const ref = refOf(object);
      record({ verb: "apply", ref, body: object });
      // Server-side apply creates what is missing.
      return patchedFromFreshRead(ref, object, () => asCreated(object));
    },
    async delete(ref) {
      record({ verb: "delete", ref });
      return ok(undefined);
    },
    writes: () => recorded.map(copyOf),
  } satisfies DryRunCluster;
}

function copyOf(write: RecordedWrite): RecordedWrite {
  return write.body === undefined ? { ...write } : { ...write, body: cloneValue(write.body) };
}
