/**
 * The resync sweep (scheduled, SRV-7 safety net). Two ways a trigger can lack a live
 * timer chain: it was never reconciled or changed unseen (a missed event: the record's
 * hash differs), or its chain's message was dead-lettered (SQS loses a message no
 * other way; a quiet trigger's record is not rewritten per resync, so it cannot tell).
 * The sweep re-offers the first kind from a list of every bound trigger kind, and
 * hands the dead-lettered requests back to the work queue. The gate decides as usual,
 * so the sweep can run any number of times.
 */
import type { ClusterReader, KindRef, KubeObject } from "../cluster/index.ts";
import { describeScope, namespaceScopes } from "../config/index.ts";
import type { Clock } from "../ports/index.ts";
import type { Logger } from "../ports/index.ts";
import type { Metrics } from "../ports/index.ts";
import { triggerRefOf, type ReconcileRequest } from "../queue/index.ts";
import type { DeadLetterQueue, WorkQueue } from "../queue/index.ts";
import { changeHash } from "./change-hash.ts";
import { readRecord } from "./record.ts";

export interface SweepDeps {
  readonly cluster: ClusterReader;
  readonly work: WorkQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly boundKinds: () => Promise<readonly KindRef[]>;
  readonly namespaces: readonly string[];
  /** Work and timer dead-letter queues; none configured, none read. */
  readonly deadLetters: readonly DeadLetterQueue[];
}

/** At most this many dead-lettered requests per queue and sweep: a sweep stays short even after a long outage. */
const REDRIVE_LIMIT = 1000;

export async function sweep(deps: SweepDeps): Promise<number> {
  const requests: ReconcileRequest[] = [];
  for (const kind of await deps.boundKinds()) {
    for (const namespace of namespaceScopes(deps.namespaces)) {
      const listed = await deps.cluster.list(kind.apiVersion, kind.kind, { namespace });
      if (!listed.ok) {
        deps.logger.warn(`Sweep could not list ${kind.kind} in ${describeScope(namespace)}.`, { error: listed.error.message });
        continue;
      }
      for (const item of listed.value.items) {
        const request = sweepRequest({ ...item, apiVersion: kind.apiVersion, kind: kind.kind });
        if (request !== undefined) requests.push(request);
      }
    }
  }
  await deps.work.enqueue(requests);
  return requests.length + (await redriveAll(deps));
}

/** The request that re-offers one trigger whose record has not seen it as it is now, or none. */
export function sweepRequest(trigger: KubeObject): ReconcileRequest | undefined {
  const ref = triggerRefOf(trigger);
  if (ref === undefined) return undefined;
  const record = readRecord(trigger);
  const hash = changeHash(trigger);
  if (record !== undefined && record.hash === hash) return undefined;
  return { trigger: ref, reason: "event", hash };
}

/** A dead-lettered request means the cluster or a queue failed for a long while: an ERROR, once per sweep and queue. */
async function redriveAll(deps: SweepDeps): Promise<number> {
  let moved = 0;
  for (const queue of deps.deadLetters) {
    const result = await queue.redrive((requests) => deps.work.enqueue(requests.map(asSweep)), REDRIVE_LIMIT);
    moved += result.moved;
    if (result.moved + result.unreadable === 0) continue;
    deps.metrics.count("DeadLetterRedrives", { queue: queue.name });
    deps.logger.error(`Sweep found ${result.moved + result.unreadable} dead-lettered messages in ${queue.name}; handed ${result.moved} back.`, {
      queue: queue.name,
      moved: result.moved,
      unreadable: result.unreadable,
    });
  }
  return moved;
}

/** A dead timer goes straight to the work queue (it is overdue); the gate still checks its chain. */
function asSweep(request: ReconcileRequest): ReconcileRequest {
  return request.reason === "timer" ? { ...request, reason: "sweep" } : request;
}
