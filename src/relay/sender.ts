/**
 * The relay's bounded send buffer. Watch callbacks `offer` requests and never wait
 * on the network; one loop sends them in order, one SQS batch (10) at a time, so
 * a failed batch is retried whole and a trigger's requests keep their order.
 *
 * Bounded: at most `maxBuffered` requests are held (sent ones leave the buffer only
 * once SQS acknowledged them). What does not fit is handed back to the caller, who
 * must recover it by re-listing (the relay does, see relay.ts): nothing is lost
 * silently and memory does not grow with the event rate. Once the buffer has
 * drained to half, `onDrained` tells the caller to re-list.
 *
 * Failures retry with capped exponential backoff, forever (SQS coming back is the
 * only way forward); a rejection (queue missing, access denied) is an ERROR naming
 * the queue, an unreachable SQS a WARN; repeats are logged sparsely, recovery once.
 */
import type { Logger } from "../ports/index.ts";
import type { ReconcileRequest } from "../queue/index.ts";
import type { WorkQueue } from "../queue/index.ts";
import { backoffDelayMs, type BackoffPolicy } from "./backoff.ts";
import { classifySendError, type SendFailure } from "./send-failure.ts";

export interface SenderOptions {
  readonly work: WorkQueue;
  readonly logger: Logger;
  /** The queue's URL or name, for the logs. */
  readonly queue: string;
  readonly maxBuffered: number;
  readonly retry?: BackoffPolicy;
  /** Called when, after an overflow, the buffer is back to half its limit. */
  readonly onDrained?: () => void;
  readonly random?: () => number;
}

export interface SenderStatus {
  readonly buffered: number;
  readonly limit: number;
  /** The last send attempt failed (cleared by the next success). */
  readonly failing: boolean;
  readonly consecutiveFailures: number;
  readonly lastFailure?: SendFailure;
  /** Totals since start. */
  readonly sent: number;
  readonly overflowed: number;
  readonly failures: number;
}

export interface Sender {
  /** Buffers what fits; returns the requests that did not fit (re-list to recover them). */
  offer(requests: readonly ReconcileRequest[]): readonly ReconcileRequest[];
  status(): SenderStatus;
  /** Resolves once everything offered so far has been sent. */
  idle(): Promise<void>;
  /** Sends what it can until `deadline` (epoch ms), then stops for good; resolves to the number left unsent. */
  close(deadline: number): Promise<number>;
}

/** SQS's SendMessageBatch limit. */
const BATCH = 10;
/** Retries: 0.5, 1, 2 … up to 10 s apart (+ jitter): gentle on a broken queue, sending again within ~10 s of its return. */
export const DEFAULT_SEND_RETRY: BackoffPolicy = { baseMs: 500, capMs: 10_000, jitterMs: 250 };
/** A failure streak is logged on its first attempt, when its cause changes, and every this many attempts (~3 min at the cap). */
const LOG_EVERY = 20;

export function createSender(options: SenderOptions): Sender {
  const buffer: ReconcileRequest[] = [];
  const retry = options.retry ?? DEFAULT_SEND_RETRY;
  const totals = { sent: 0, overflowed: 0, failures: 0 };
  let streak: { count: number; since: number; last: SendFailure } | undefined;
  let mustSignalDrain = false;
  let closed = false;
  let flushing: Promise<void> | undefined;
  let wake = () => {};

  const onSent = (count: number) => {
    buffer.splice(0, count);
    totals.sent += count;
    if (streak !== undefined) logRecovery(options, streak);
    streak = undefined;
    if (mustSignalDrain && buffer.length <= options.maxBuffered / 2) {
      mustSignalDrain = false;
      options.onDrained?.();
    }
  };

  const onFailed = (error: unknown): number => {
    const failure = classifySendError(error);
    totals.failures += 1;
    const previous = streak;
    streak = { count: (previous?.count ?? 0) + 1, since: previous?.since ?? Date.now(), last: failure };
    const delay = backoffDelayMs(retry, streak.count, options.random);
    if (previous === undefined || previous.last.code !== failure.code || streak.count % LOG_EVERY === 0) logFailure(options, streak, buffer.length, delay);
    return delay;
  };

  const flush = async () => {
    while (buffer.length > 0 && !closed) {
      const batch = buffer.slice(0, BATCH);
      try {
        await options.work.enqueue(batch);
        onSent(batch.length);
      } catch (error) {
        const delay = onFailed(error);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => (clearTimeout(timer), resolve());
        });
      }
    }
    flushing = undefined;
  };

  return {
    offer(requests) {
      if (closed) return requests;
      const room = Math.max(0, options.maxBuffered - buffer.length);
      const accepted = requests.slice(0, room);
      const rejected = requests.slice(room);
      for (const request of accepted) buffer.push(request); // no spread: a large bound must not overflow the call stack
      if (rejected.length > 0) {
        totals.overflowed += rejected.length;
        mustSignalDrain = true;
      }
      if (accepted.length > 0) flushing ??= flush();
      return rejected;
    },
    status: () => ({
      buffered: buffer.length,
      limit: options.maxBuffered,
      failing: streak !== undefined,
      consecutiveFailures: streak?.count ?? 0,
      ...(streak === undefined ? {} : { lastFailure: streak.last }),
      ...totals,
    }),
    idle: () => flushing ?? Promise.resolve(),
    async close(deadline) {
      // A retry waiting out its backoff would outlive the deadline: try once more now instead.
      wake();
      const remaining = deadline - Date.now();
      if (flushing !== undefined && remaining > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([flushing, new Promise((resolve) => (timer = setTimeout(resolve, remaining)))]);
        clearTimeout(timer);
      }
      closed = true;
      wake();
      return buffer.length;
    },
  };
}

function logFailure(options: SenderOptions, streak: { count: number; since: number; last: SendFailure }, buffered: number, retryInMs: number): void {
  const { last } = streak;
  const fields = { queue: options.queue, code: last.code, error: last.message, attempts: streak.count, buffered, retryInMs: Math.round(retryInMs) };
  if (last.kind === "rejected") {
    options.logger.error(
      `SQS rejected sends to queue ${options.queue} (${last.code}); check that the queue exists and the relay's role may sqs:SendMessage to it. Retrying.`,
      fields,
    );
    return;
  }
  options.logger.warn(`Cannot reach SQS to send to queue ${options.queue} (${last.code}); retrying.`, fields);
}

function logRecovery(options: SenderOptions, streak: { count: number; since: number }): void {
  options.logger.info(`Sends to queue ${options.queue} succeed again.`, {
    queue: options.queue,
    failedAttempts: streak.count,
    failingForMs: Date.now() - streak.since,
  });
}
