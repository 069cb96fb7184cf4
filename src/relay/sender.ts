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
 * only way forward). Logged as transitions, not attempts: an unreachable SQS is one
 * WARN per outage; a rejection (queue missing, access denied) one ERROR naming the
 * queue; an outage outlasting `stuckAfterMs` one ERROR; the recovery one INFO. A
 * missing queue, a rejection or a long outage is a stuck state: counted in the
 * status (`stuck`, `stuckEpisodes`) for /readyz and /metrics.
 */
import type { Logger } from "../ports/index.ts";
import type { ReconcileRequest } from "../queue/index.ts";
import type { WorkQueue } from "../queue/index.ts";
import { backoffDelayMs, type BackoffPolicy } from "./backoff.ts";
import { DEFAULT_STUCK_AFTER_MS, type SenderStuckCause } from "./health.ts";
import { classifySendError, isQueueMissing, type SendFailure } from "./send-failure.ts";

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
  /** An unreachable SQS is a stuck state (an ERROR) after this long; default 5 minutes. */
  readonly stuckAfterMs?: number;
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
  /** The stuck state sends are in (queue missing, rejected, unreachable for long), with its start (epoch ms). */
  readonly stuck?: { readonly cause: SenderStuckCause; readonly since: number };
  /** Stuck states entered since start, by cause. */
  readonly stuckEpisodes?: Readonly<Partial<Record<SenderStuckCause, number>>>;
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
interface Streak {
  readonly count: number;
  readonly since: number;
  readonly last: SendFailure;
  readonly stuck?: { readonly cause: SenderStuckCause; readonly since: number };
}

export function createSender(options: SenderOptions): Sender {
  const buffer: ReconcileRequest[] = [];
  const retry = options.retry ?? DEFAULT_SEND_RETRY;
  const totals = { sent: 0, overflowed: 0, failures: 0 };
  const stuckAfterMs = options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  const episodes: Partial<Record<SenderStuckCause, number>> = {};
  let streak: Streak | undefined;
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
    const base = { count: (previous?.count ?? 0) + 1, since: previous?.since ?? Date.now(), last: failure };
    const delay = backoffDelayMs(retry, base.count, options.random);
    // One line per outage; a rejection appearing within an outage of another kind is worth its ERROR.
    const escalated = failure.kind === "rejected" && previous !== undefined && previous.last.kind !== "rejected";
    if (previous === undefined || escalated) logFailure(options, base, buffer.length, delay);
    const cause = previous?.stuck?.cause ?? stuckCause(failure, Date.now() - base.since, stuckAfterMs);
    streak = cause === undefined ? base : { ...base, stuck: previous?.stuck ?? { cause, since: Date.now() } };
    if (cause !== undefined && previous?.stuck === undefined) {
      episodes[cause] = (episodes[cause] ?? 0) + 1;
      // A rejection already said so in its ERROR; an outage that merely lasted says it now, once.
      if (cause === "sqs-unreachable") logStuck(options, base, buffer.length);
    }
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
      ...(streak?.stuck === undefined ? {} : { stuck: streak.stuck }),
      stuckEpisodes: { ...episodes },
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

/** Which stuck state a failure streak is in, if any. */
function stuckCause(failure: SendFailure, failingForMs: number, stuckAfterMs: number): SenderStuckCause | undefined {
  if (isQueueMissing(failure)) return "queue-missing";
  if (failure.kind === "rejected") return "sqs-rejected";
  return failingForMs >= stuckAfterMs ? "sqs-unreachable" : undefined;
}

function logFailure(options: SenderOptions, streak: Omit<Streak, "stuck">, buffered: number, retryInMs: number): void {
  const { last } = streak;
  const fields = { queue: options.queue, code: last.code, error: last.message, attempts: streak.count, buffered, retryInMs: Math.round(retryInMs) };
  if (isQueueMissing(last)) {
    options.logger.error(
      `SQS rejected sends to queue ${options.queue} (${last.code}): the queue does not exist, so no reconcile request reaches the handlers until it is created or KOREO_WORK_QUEUE_URL is fixed. Retrying quietly.`,
      fields,
    );
    return;
  }
  if (last.kind === "rejected") {
    options.logger.error(
      `SQS rejected sends to queue ${options.queue} (${last.code}); check that the queue exists and the relay's role may sqs:SendMessage to it. Retrying.`,
      fields,
    );
    return;
  }
  options.logger.warn(`Cannot reach SQS to send to queue ${options.queue} (${last.code}); retrying quietly until it answers.`, fields);
}

function logStuck(options: SenderOptions, streak: Omit<Streak, "stuck">, buffered: number): void {
  const minutes = Math.round((Date.now() - streak.since) / 6_000) / 10;
  options.logger.error(`SQS has been unreachable for ${minutes} min: no reconcile request reaches queue ${options.queue}. Still retrying.`, {
    queue: options.queue,
    code: streak.last.code,
    error: streak.last.message,
    attempts: streak.count,
    buffered,
    failingForMs: Date.now() - streak.since,
  });
}

function logRecovery(options: SenderOptions, streak: Streak): void {
  options.logger.info(`Sends to queue ${options.queue} succeed again.`, {
    queue: options.queue,
    failedAttempts: streak.count,
    failingForMs: Date.now() - streak.since,
    ...(streak.stuck === undefined ? {} : { wasStuck: streak.stuck.cause }),
  });
}
