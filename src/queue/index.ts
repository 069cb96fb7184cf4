/**
 * Reconcile requests as messages, FIFO ids, and the queue ports; the SQS adapter has its own face, adapters/index.ts.
 * May import: cluster (port), value.
 */
export { chainOf, decodeRequest, type ReconcileRequest, type TriggerRef, triggerRefOf } from "./messages.ts";
export { coalescingWorkQueue } from "./coalesce.ts";
export { type DeadLetterQueue, MAX_DELAY_SECONDS, type TimerQueue, type WorkQueue } from "./queue.ts";
