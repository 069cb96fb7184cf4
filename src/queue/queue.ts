/**
 * Queue ports, typed by their consumers. The work queue is FIFO (one message
 * group per trigger, SRV-2); the timer queue carries delayed requests (SRV-5).
 * Adapters: adapters/sqs.ts (AWS and fauxqs), adapters/in-memory.ts (unit tests).
 */
import type { ReconcileRequest } from "./messages.ts";

/** SQS's per-message delay limit; fauxqs does not enforce it, so adapters check it themselves. */
export const MAX_DELAY_SECONDS = 900;

export interface WorkQueue {
  /** Enqueues due requests into their trigger's FIFO group. */
  enqueue(requests: readonly ReconcileRequest[]): Promise<void>;
}

export interface TimerQueue {
  /** Holds a request for `delaySeconds` (0..900) before the timer handler sees it again. */
  schedule(request: ReconcileRequest, delaySeconds: number): Promise<void>;
}

/**
 * A dead-letter queue read back by the sweep. A timer chain is lost only when its message is
 * dead-lettered, so handing those requests back is how lost chains are found (SRV-7).
 */
export interface DeadLetterQueue {
  /** Which queue, for logs. */
  readonly name: string;
  /**
   * Hands up to `max` dead-lettered requests to `requeue`, deleting each only after `requeue`
   * resolved (no loss if it throws). Bodies that are not requests stay for an operator.
   */
  redrive(requeue: (requests: readonly ReconcileRequest[]) => Promise<void>, max: number): Promise<{ readonly moved: number; readonly unreadable: number }>;
}

export class DelayOutOfRange extends Error {
  constructor(readonly delaySeconds: number) {
    super(`DelaySeconds ${delaySeconds} outside 0..${MAX_DELAY_SECONDS}`);
  }
}

export function checkDelay(delaySeconds: number): number {
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) throw new DelayOutOfRange(delaySeconds);
  return delaySeconds;
}
