/**
 * The FunctionTest "mock API" (FT-14, FTF-1..3): one slot holding at most one
 * resource. Deliberately unlike a real cluster, because existing FunctionTests
 * encode these semantics:
 * - any read returns the slot, whatever kind, name or namespace was asked for;
 * - create stores exactly the body sent;
 * - a merge patch replaces the slot's *top-level* keys wholesale (nested fields
 *   are not merged; untouched top-level keys such as `status` survive);
 * - delete empties the slot;
 * - discovery answers the lower-cased kind as plural.
 * It also records whether a write or a delete happened, for FT-16/22/24.
 */
import type { ClusterApi, ClusterResult, KindInfo, KubeObject, ListResult, ObjectRef } from "../cluster/index.ts";
import { cloneValue, isMap, type Value, type ValueMap } from "../value/index.ts";

export interface TestCluster extends ClusterApi {
  /** The slot now (`{}` when empty). */
  current(): ValueMap;
  /** A create, patch, apply or delete happened. */
  wrote(): boolean;
  deleted(): boolean;
}

export function isEmptyResource(resource: ValueMap | undefined): boolean {
  return resource === undefined || Object.keys(resource).length === 0;
}

function ok<T>(value: T): ClusterResult<T> {
  return { ok: true, value };
}

const NOT_FOUND: ClusterResult<never> = { ok: false, error: { reason: "NotFound", status: 404, message: "not found" } };

export function createTestCluster(initial: ValueMap): TestCluster {
  let slot: ValueMap = cloneValue(initial);
  let wrote = false;
  let deleted = false;
  const write = (next: ValueMap): ClusterResult<KubeObject> => {
    slot = next;
    wrote = true;
    return ok(cloneValue(slot));
  };
  const cluster = {
    current: () => cloneValue(slot),
    wrote: () => wrote,
    deleted: () => deleted,
    get: async () => (isEmptyResource(slot) ? NOT_FOUND : ok(cloneValue(slot))),
    list: async (): Promise<ClusterResult<ListResult>> => ok({ items: isEmptyResource(slot) ? [] : [cloneValue(slot)], resourceVersion: "1" }),
    discover: async (_apiVersion: string, kind: string): Promise<ClusterResult<KindInfo>> =>
      ok({ plural: kind.toLowerCase(), namespaced: true, hasStatus: false }),
    create: async (object: KubeObject) => write(cloneValue(object)),
    // FTF-1: a shallow top-level merge on purpose, not RFC 7386 (value/merge-patch.ts), to match the reference's test mock.
    mergePatch: async (_ref: ObjectRef, patch: Value) => write(isMap(patch) ? { ...slot, ...cloneValue(patch) } : slot),
    apply: async (object: KubeObject) => write(cloneValue(object)),
    delete: async (): Promise<ClusterResult<void>> => {
      slot = {};
      wrote = true;
      deleted = true;
      return ok(undefined);
    },
  } satisfies TestCluster;
  return cluster;
}
