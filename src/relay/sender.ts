/**
 * Buffers the relay's requests and sends them in batches, retrying while SQS is
 * unreachable, so a watch callback never waits on the network and nothing is
 * lost on a transient failure.
 */
import type { Logger } from "../ports/logger.ts";
import type { ReconcileRequest } from "../queue/messages.ts";
import type { WorkQueue } from "../queue/queue.ts";

export interface Sender {
  push(requests: readonly ReconcileRequest[]): void;
  /** Resolves once everything pushed so far has been sent. */
  idle(): Promise<void>;
}

export function createSender(work: WorkQueue, logger: Logger, retryMs = 1000): Sender {
  const buffer: ReconcileRequest[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async () => {
    while (buffer.length > 0) {
      const batch = buffer.splice(0, 100);
      try {
        await work.enqueue(batch);
      } catch (error) {
        buffer.unshift(...batch);
        logger.warn("Could not send to the work queue; retrying.", { pending: buffer.length, error: error instanceof Error ? error.message : String(error) });
        await new Promise((r) => setTimeout(r, retryMs));
      }
    }
    flushing = undefined;
  };
  return {
    push(requests) {
      if (requests.length === 0) return;
      buffer.push(...requests);
      flushing ??= flush();
    },
    idle: () => flushing ?? Promise.resolve(),
  };
}
