/**
 * A ClusterApi that reads live and records writes instead of making them, for
 * the webhook's dry-run (SRV-10). Writes answer as the server would for the
 * simplest case (the object as sent), so a Workflow runs through.
 */
import type { ClusterApi, KubeObject, ObjectRef } from "../cluster/cluster-api.ts";
import type { Value } from "../value/value.ts";

export type RecordedWrite =
  | { readonly verb: "create" | "apply"; readonly object: KubeObject }
  | { readonly verb: "patch"; readonly ref: ObjectRef; readonly patch: Value; readonly subresource?: string }
  | { readonly verb: "delete"; readonly ref: ObjectRef };

export function recordWrites(live: ClusterApi): { cluster: ClusterApi; writes: RecordedWrite[] } {
  const writes: RecordedWrite[] = [];
  const cluster: ClusterApi = {
    get: (ref) => live.get(ref),
    list: (apiVersion, kind, options) => live.list(apiVersion, kind, options),
    discover: (apiVersion, kind) => live.discover(apiVersion, kind),
    async create(object) {
      writes.push({ verb: "create", object });
      return { ok: true, value: object };
    },
    async apply(object) {
      writes.push({ verb: "apply", object });
      return { ok: true, value: object };
    },
    async mergePatch(ref, patch, options) {
      writes.push(options?.subresource === undefined ? { verb: "patch", ref, patch } : { verb: "patch", ref, patch, subresource: options.subresource });
      const current = await live.get(ref);
      return current;
    },
    async delete(ref) {
      writes.push({ verb: "delete", ref });
      return { ok: true, value: undefined };
    },
  };
  return { cluster, writes };
}
