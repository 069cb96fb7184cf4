/**
 * A work queue whose enqueues of one event-loop turn leave together: the timer handler forwards
 * each record of a batch on its own (records run concurrently, sqs-batch.ts), and this turns the
 * ten SendMessageBatch calls of ten due timers into one. All or nothing: when the send fails,
 * every enqueue it carried fails (its record is retried; a part that did land is a FIFO duplicate
 * SQS drops within its 5-minute window, and a stale timer the gate ignores).
 */
import type { ReconcileRequest } from "./messages.ts";
import type { WorkQueue } from "./queue.ts";

interface Pending {
  readonly requests: readonly ReconcileRequest[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export function coalescingWorkQueue(work: WorkQueue): WorkQueue {
  let pending: Pending[] = [];
  const flush = async () => {
    const taken = pending;
    pending = [];
    try {
      await work.enqueue(taken.flatMap((p) => p.requests));
      for (const p of taken) p.resolve();
    } catch (error) {
      for (const p of taken) p.reject(error);
    }
  };
  return {
    enqueue: (requests) =>
      new Promise<void>((resolve, reject) => {
        // setImmediate: after every record started in this turn (and their microtasks) has enqueued.
        if (pending.length === 0) setImmediate(() => void flush());
        pending.push({ requests, resolve, reject });
      }),
  };
}
