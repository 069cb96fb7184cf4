/**
 * SQS event → requests → batchItemFailures (Lambda glue only translates).
 *
 * - Order: a FIFO batch's message groups (one per trigger) run concurrently, each through
 *   Powertools' FIFO processor with `skipGroupOnError`: a group's records run one after another in
 *   arrival order, and once one fails (or is not started) every later record of that group is
 *   reported failed without running, so a trigger's requests never overtake each other. Timer
 *   records are independent and all run concurrently. A batch of ten triggers then costs about
 *   one reconcile of wall time (billed Lambda duration), not ten: a reconcile mostly waits on
 *   the API server.
 * - Logs: each record's lines go through a child logger carrying its message id and trigger, so
 *   concurrent records never mix their keys.
 * - Time: a record starts only while the invocation has `recordAllowanceMs` left (the reconcile
 *   budget plus a margin); the rest are reported failed, so a timeout never kills a batch halfway
 *   and no record that succeeded is ever redelivered.
 * - Full failure: when every record failed (typically the cluster is unreachable) the handler
 *   throws, Powertools' default, so the function's Errors metric and alarms see the outage.
 * - Early return: failed records are made visible again soon (ChangeMessageVisibility) instead of
 *   after the queue's visibility timeout: at once when they never started, after a short backoff
 *   growing with the receive count when they ran and failed.
 */
import { objectKey } from "../cluster/index.ts";
import { BatchProcessor, EventType, FullBatchFailureError, SqsFifoPartialProcessorAsync, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { Env, RuntimeConfig } from "../config/index.ts";
import type { Logger } from "../ports/index.ts";
import type { Metrics } from "../ports/index.ts";
import { decodeRequest, type ReconcileRequest } from "../queue/index.ts";
import type { SqsApi } from "../queue/adapters/index.ts";

/** Handles one request; `logger` is the record's (its message id and trigger on every line). */
export type RequestHandler = (request: ReconcileRequest, logger: Logger) => Promise<unknown>;

/** The Lambda signature; `context` is absent where nothing bounds the invocation (tests, `npm start` without a timeout). */
export type SqsBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/** How long a record that ran and failed stays invisible: min(base · 2^(receives − 1), cap) seconds. */
export interface RetryDelay {
  readonly baseSeconds: number;
  readonly capSeconds: number;
}

export interface VisibilityChange {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly seconds: number;
}

/** Makes records visible again after the given delays; never throws (the batch's answer matters more). */
export type VisibilityChanger = (changes: readonly VisibilityChange[]) => Promise<void>;

export interface BatchOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The queue's maxReceiveCount: a record failing on this receive goes to the DLQ next. */
  readonly maxReceiveCount: number;
  /** FIFO work queue (ordered, group-aware) or standard timer queue (independent records). */
  readonly fifo: boolean;
  /** A record starts only while the invocation has this long left (one record's worst case). Default 0. */
  readonly recordAllowanceMs?: number;
  /** Default: 5 s doubling up to 60 s (see `batchSettingsFromEnv`). */
  readonly retryDelay?: RetryDelay;
  /** Absent: failed records wait for the queue's visibility timeout. */
  readonly changeVisibility?: VisibilityChanger;
}

/** Thrown for a record the invocation had no time to start; it never ran, so it comes back at once. */
export class RecordNotStarted extends Error {
  constructor() {
    super("not started: the invocation has too little time left");
    this.name = "RecordNotStarted";
  }
}

const DEFAULT_RETRY_DELAY: RetryDelay = { baseSeconds: 5, capSeconds: 60 };

/** SQS refuses a visibility timeout above 12 h. */
const MAX_VISIBILITY_SECONDS = 43_200;

export function createSqsBatchHandler(handle: RequestHandler, options: BatchOptions): SqsBatchHandler {
  return async (event, context) => {
    warnIfNoRecordCanStart(event, context, options);
    const started = new Set<string>();
    const result = await processBatch(event, recordHandler(handle, options, started, context), options.fifo);
    const failed = new Set(result.response.batchItemFailures.map((f) => f.itemIdentifier));
    await returnFailed(event.Records, failed, started, options);
    if (result.fullFailure !== undefined) throw result.fullFailure;
    return result.response;
  };
}

function recordHandler(handle: RequestHandler, options: BatchOptions, started: Set<string>, context: Context | undefined) {
  return async (record: SQSRecord): Promise<void> => {
    const decoded = decodeRequest(record.body);
    if (!decoded.ok) {
      // A malformed message can never succeed: acknowledge it instead of cycling it to the DLQ.
      options.logger.error("Dropping malformed queue message.", { messageId: record.messageId, error: decoded.error });
      return;
    }
    if (!hasTimeFor(context, options.recordAllowanceMs ?? 0)) throw new RecordNotStarted();
    started.add(record.messageId);
    const logger = options.logger.child({ messageId: record.messageId, trigger: objectKey(decoded.request.trigger) });
    try {
      await handle(decoded.request, logger);
    } catch (error) {
      reportFailure(record, decoded.request, error, options);
      throw error;
    }
  };
}

interface BatchResult {
  readonly response: SQSBatchResponse;
  /** Set when every record failed: the handler rethrows it after returning the records early. */
  readonly fullFailure?: FullBatchFailureError;
}

async function processBatch(event: SQSEvent, onRecord: (record: SQSRecord) => Promise<void>, fifo: boolean): Promise<BatchResult> {
  const errors: Error[] = [];
  const run = async (record: SQSRecord) => {
    try {
      await onRecord(record);
    } catch (error) {
      errors.push(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  };
  const failed = fifo
    ? (
        await Promise.all(groupsOf(event.Records).map((records) => failedOf(records, run, new SqsFifoPartialProcessorAsync(), { skipGroupOnError: true })))
      ).flat()
    : await failedOf(event.Records, run, new BatchProcessor(EventType.SQS), { processInParallel: true });
  const response = { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  // Powertools' rule, kept across groups: a batch in which every record failed fails the invocation.
  if (event.Records.length === 0 || failed.length < event.Records.length) return { response };
  return { response, fullFailure: new FullBatchFailureError(errors) };
}

/** The records of each message group, in arrival order. */
function groupsOf(records: readonly SQSRecord[]): SQSRecord[][] {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? record.messageId;
    const members = groups.get(group);
    if (members === undefined) groups.set(group, [record]);
    else members.push(record);
  }
  return [...groups.values()];
}

/** The message ids of the records a Powertools processor failed (all of them when it failed them all). */
async function failedOf(
  records: SQSRecord[],
  run: (record: SQSRecord) => Promise<void>,
  processor: BatchProcessor | SqsFifoPartialProcessorAsync,
  options: { readonly skipGroupOnError?: boolean; readonly processInParallel?: boolean },
): Promise<string[]> {
  try {
    const response = await processPartialResponse({ Records: records }, run, processor, options);
    return response.batchItemFailures.map((f) => f.itemIdentifier);
  } catch (error) {
    if (!(error instanceof FullBatchFailureError)) throw error;
    return records.map((r) => r.messageId);
  }
}

/** A function timeout below the allowance defers every record to the DLQ: say so where it shows. */
function warnIfNoRecordCanStart(event: SQSEvent, context: Context | undefined, options: BatchOptions): void {
  const allowanceMs = options.recordAllowanceMs ?? 0;
  if (event.Records.length === 0 || hasTimeFor(context, allowanceMs)) return;
  options.logger.error("The invocation starts with less time than one record needs: raise the function timeout or lower KOREO_RECORD_ALLOWANCE_SECONDS.", {
    remainingMs: context?.getRemainingTimeInMillis(),
    allowanceMs,
  });
}

/** No context: nothing bounds the invocation (local runs and tests that do not care). */
export function hasTimeFor(context: Pick<Context, "getRemainingTimeInMillis"> | undefined, allowanceMs: number): boolean {
  return context === undefined || context.getRemainingTimeInMillis() >= allowanceMs;
}

async function returnFailed(records: readonly SQSRecord[], failed: ReadonlySet<string>, started: ReadonlySet<string>, options: BatchOptions): Promise<void> {
  const plan = visibilityPlan(records, failed, started, options.retryDelay ?? DEFAULT_RETRY_DELAY);
  const deferred = plan.filter((c) => c.seconds === 0).length;
  if (deferred > 0) {
    options.metrics.count("RecordsDeferred");
    options.logger.info("Records not started in this invocation go back to the queue.", { deferred, failed: plan.length - deferred });
  }
  if (plan.length > 0) await options.changeVisibility?.(plan);
}

/** Pure: the visibility each failed record gets: 0 when it never ran, the retry delay when it ran and failed. */
export function visibilityPlan(
  records: readonly SQSRecord[],
  failed: ReadonlySet<string>,
  started: ReadonlySet<string>,
  delay: RetryDelay,
): VisibilityChange[] {
  return records
    .filter((r) => failed.has(r.messageId))
    .map((r) => ({
      messageId: r.messageId,
      receiptHandle: r.receiptHandle,
      seconds: started.has(r.messageId) ? failedRecordDelaySeconds(Number(r.attributes.ApproximateReceiveCount), delay) : 0,
    }));
}

/** Pure: min(base · 2^(n − 1), cap), n = this receive (1 when unknown); the first retry waits `base`. */
export function failedRecordDelaySeconds(receiveCount: number, delay: RetryDelay): number {
  const n = Number.isFinite(receiveCount) && receiveCount >= 1 ? receiveCount : 1;
  const seconds = Math.round(delay.baseSeconds * 2 ** (n - 1));
  return Math.max(0, Math.min(seconds, delay.capSeconds, MAX_VISIBILITY_SECONDS));
}

/** The names SQS gives a queue that does not exist: the exception (JSON protocol, our client and the SDK) or the query code. */
const QUEUE_MISSING: ReadonlySet<string> = new Set(["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"]);

/** Whether a send failed because its queue does not exist: a stuck state, not a blip. */
export function isQueueMissingError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const fields: { name?: unknown; Code?: unknown } = error;
  return (typeof fields.name === "string" && QUEUE_MISSING.has(fields.name)) || (typeof fields.Code === "string" && QUEUE_MISSING.has(fields.Code));
}

/**
 * A handler whose sends go to one queue (the reconcile handler arms timers on the timer queue):
 * when that queue does not exist, every record fails the same way until someone creates it. One
 * ERROR naming the queue per container and outage (again after a success), instead of a WARN per
 * record; the failure itself still propagates (SQS redelivers, the DLQ and its alarm follow).
 */
export function reportMissingQueue(handle: RequestHandler, queueUrl: string, logger: Logger, metrics: Metrics): RequestHandler {
  let reported = false;
  const queue = queueUrl.replace(/\/+$/, "").split("/").pop() || queueUrl;
  return async (request, recordLogger) => {
    try {
      const result = await handle(request, recordLogger);
      reported = false;
      return result;
    } catch (error) {
      if (isQueueMissingError(error)) metrics.count("QueueMissing", { queue });
      if (isQueueMissingError(error) && !reported) {
        reported = true;
        logger.error(`Queue ${queue} does not exist: reconciles cannot arm their next run (retries, resyncs). Create it or fix KOREO_TIMER_QUEUE_URL.`, {
          queue,
          queueUrl,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      throw error;
    }
  };
}

function reportFailure(record: SQSRecord, request: ReconcileRequest, error: unknown, options: BatchOptions): void {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount);
  const fields = {
    trigger: objectKey(request.trigger),
    uid: request.trigger.uid,
    messageId: record.messageId,
    receiveCount,
    error: error instanceof Error ? error.message : String(error),
  };
  if (receiveCount >= options.maxReceiveCount) {
    options.metrics.count("DeadLetterBound");
    options.logger.error("Request failed on its last receive; SQS moves it to the dead-letter queue.", fields);
    return;
  }
  // A missing queue was reported once, as an ERROR (reportMissingQueue): no WARN per record on top.
  if (isQueueMissingError(error)) return options.logger.debug("Request failed: its queue does not exist; SQS will redeliver it.", fields);
  options.logger.warn("Request failed; SQS will redeliver it.", fields);
}

// ---- Settings and the SQS adapter (I/O) ------------------------------------------------------------

export interface BatchSettings {
  readonly recordAllowanceMs: number;
  readonly retryDelay: RetryDelay;
}

/**
 * After the budget, a record still GETs, patches its record and sends its timer: a few calls of
 * ~0.1 s each, 5 s even when the API is slow. Kept small because the deployed function timeout
 * equals the work queue's 30 s visibility (fast recovery, serverless.yml), and budget + margin
 * must fit inside it (the params check bounds the budget to 24 s).
 */
export const RECORD_MARGIN_SECONDS = 5;

/**
 * KOREO_RECORD_ALLOWANCE_SECONDS (default: the reconcile budget + RECORD_MARGIN_SECONDS) for the
 * work queue, KOREO_TIMER_RECORD_ALLOWANCE_SECONDS (5 s: a timer record is one or two SQS sends)
 * for the timer queue; KOREO_FAILED_RECORD_DELAY_SECONDS (5) and
 * KOREO_FAILED_RECORD_DELAY_CAP_SECONDS (60) for records that ran and failed.
 */
export function batchSettingsFromEnv(env: Env, config: RuntimeConfig, queue: "work" | "timer"): BatchSettings {
  const allowanceSeconds =
    queue === "work"
      ? seconds(env.KOREO_RECORD_ALLOWANCE_SECONDS, config.timings.reconcileTimeoutSeconds + RECORD_MARGIN_SECONDS)
      : seconds(env.KOREO_TIMER_RECORD_ALLOWANCE_SECONDS, 5);
  return {
    recordAllowanceMs: allowanceSeconds * 1000,
    retryDelay: {
      baseSeconds: seconds(env.KOREO_FAILED_RECORD_DELAY_SECONDS, DEFAULT_RETRY_DELAY.baseSeconds),
      capSeconds: seconds(env.KOREO_FAILED_RECORD_DELAY_CAP_SECONDS, DEFAULT_RETRY_DELAY.capSeconds),
    },
  };
}

function seconds(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text === undefined || text.trim() === "" || !Number.isFinite(value) || value < 0 ? fallback : value;
}

/**
 * The SQS side of `VisibilityChanger`, ten records per call. A failure is only logged: the records
 * then come back after the queue's visibility timeout, as they did before this existed.
 * IAM: sqs:ChangeMessageVisibility on the queue.
 */
export function sqsVisibility(client: SqsApi, queueUrl: string, logger: Logger): VisibilityChanger {
  return async (changes) => {
    for (let start = 0; start < changes.length; start += 10) {
      await changeBatch(client, queueUrl, changes.slice(start, start + 10), logger);
    }
  };
}

async function changeBatch(client: SqsApi, queueUrl: string, changes: readonly VisibilityChange[], logger: Logger): Promise<void> {
  const entries = changes.map((c, i) => ({ Id: String(i), ReceiptHandle: c.receiptHandle, VisibilityTimeout: c.seconds }));
  try {
    const result = await client.changeMessageVisibilityBatch({ QueueUrl: queueUrl, Entries: entries });
    for (const f of result.Failed ?? []) {
      logger.warn("Could not return a failed record early.", { messageId: changes[Number(f.Id)]?.messageId, code: f.Code, error: f.Message });
    }
  } catch (error) {
    logger.warn("Could not return failed records early; they come back after the queue's visibility timeout.", {
      records: changes.length,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
