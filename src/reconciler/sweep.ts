/**
 * The resync sweep (scheduled, SRV-7 safety net): timers are hints and can be
 * lost (a send that failed after a run, a message dead-lettered). The sweep lists
 * every bound trigger kind and re-offers triggers whose record shows no live
 * chain: never reconciled, a hash the record has not seen (a missed event), or a
 * due time long past. The gate decides as usual, so the sweep can be run any
 * number of times.
 */
import type { ClusterReader, KubeObject } from "../cluster/cluster-api.ts";
import { describeScope, namespaceScopes } from "../config/config.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import { triggerRefOf, type ReconcileRequest } from "../queue/messages.ts";
import type { WorkQueue } from "../queue/queue.ts";
import { changeHash } from "./change-hash.ts";
import { readRecord } from "./record.ts";

export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

export interface SweepDeps {
  readonly cluster: ClusterReader;
  readonly work: WorkQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly boundKinds: () => Promise<readonly KindRef[]>;
  readonly namespaces: readonly string[];
  readonly graceSeconds: number;
}

export async function sweep(deps: SweepDeps): Promise<number> {
  const requests: ReconcileRequest[] = [];
  for (const kind of await deps.boundKinds()) {
    for (const namespace of namespaceScopes(deps.namespaces)) {
      const listed = await deps.cluster.list(kind.apiVersion, kind.kind, { namespace });
      if (!listed.ok) {
        deps.logger.warn(`Sweep could not list ${kind.kind} in ${describeScope(namespace)}.`, { error: listed.error.message });
        continue;
      }
      const now = deps.clock.now();
      for (const item of listed.value.items) {
        const request = sweepRequest({ ...item, apiVersion: kind.apiVersion, kind: kind.kind }, now, deps.graceSeconds * 1000);
        if (request !== undefined) requests.push(request);
      }
    }
  }
  await deps.work.enqueue(requests);
  return requests.length;
}

/** The request that re-arms one trigger, or none when its chain looks alive (or it is PermFail: only a change re-runs it). */
export function sweepRequest(trigger: KubeObject, now: number, graceMs: number): ReconcileRequest | undefined {
  const ref = triggerRefOf(trigger);
  if (ref === undefined) return undefined;
  const record = readRecord(trigger);
  const hash = changeHash(trigger);
  if (record === undefined || record.hash !== hash) return { trigger: ref, reason: "event", hash };
  if (record.dueAt === undefined || record.dueAt + graceMs > now) return undefined;
  return { trigger: ref, reason: "sweep", dueAt: record.dueAt };
}
