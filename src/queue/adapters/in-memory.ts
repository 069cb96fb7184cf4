/**
 * In-memory queue adapters for unit tests of the reconciler and timers. They
 * record what was sent; they do not emulate FIFO groups, visibility or
 * deduplication (tests of those run against fauxqs).
 */
import type { ReconcileRequest } from "../messages.ts";
import { checkDelay, type TimerQueue, type WorkQueue } from "../queue.ts";

export interface RecordingWorkQueue extends WorkQueue {
  readonly sent: ReconcileRequest[];
}

export interface RecordingTimerQueue extends TimerQueue {
  readonly scheduled: { request: ReconcileRequest; delaySeconds: number }[];
}

export function createRecordingWorkQueue(): RecordingWorkQueue {
  const sent: ReconcileRequest[] = [];
  return {
    sent,
    async enqueue(requests) {
      sent.push(...requests);
    },
  };
}

export function createRecordingTimerQueue(): RecordingTimerQueue {
  const scheduled: { request: ReconcileRequest; delaySeconds: number }[] = [];
  return {
    scheduled,
    async schedule(request, delaySeconds) {
      scheduled.push({ request, delaySeconds: checkDelay(delaySeconds) });
    },
  };
}
