/**
 * An in-process stand-in for the Lambda SQS event source mapping: long-polls a
 * queue, hands the batch to the very handler Lambda runs (with a Lambda-like
 * context whose remaining time counts down from `functionTimeoutMs`), deletes
 * the records the handler did not report as failed and leaves the failed ones to
 * the queue (the handler may have shortened their visibility; else the visibility
 * timeout → redelivery, → DLQ after maxReceiveCount). A handler that throws failed
 * the whole batch, as on Lambda: nothing is deleted and the poller pauses before
 * the next receive. Run several to get several concurrent "Lambdas".
 */
import { randomUUID } from "node:crypto";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { Logger } from "../ports/index.ts";
import type { SqsApi, SqsMessage } from "../queue/adapters/index.ts";

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface PollerOptions {
  readonly client: SqsApi;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsBatchHandler;
  readonly batchSize?: number;
  /** Like the function timeout: what the context's getRemainingTimeInMillis counts down from. Absent: no limit. */
  readonly functionTimeoutMs?: number;
  /** Pause after a batch the handler threw on (Lambda's retry wait), so a failing batch is no busy loop. Default 1000. */
  readonly pauseAfterErrorMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface Poller {
  stop(): Promise<void>;
  /** Like a Lambda container dying: stops at once, and the batch in hand is never acknowledged (SQS redelivers it). */
  kill(): void;
}

/** The `onError` of a local poller: one WARN per failed receive, delete or handler invocation. */
export function pollerErrorLog(logger: Logger): (error: unknown) => void {
  return (error) => logger.warn("Local poller error.", { error: error instanceof Error ? error.message : String(error) });
}

export function startPoller(options: PollerOptions): Poller {
  let running = true;
  let killed = false;
  const pause = () => new Promise((r) => setTimeout(r, options.pauseAfterErrorMs ?? 1000));
  const loop = (async () => {
    while (running) {
      try {
        const polled = await pollBatch(options, () => killed);
        if (polled.handlerFailed && running) await pause();
      } catch (error) {
        // SQS itself failed (receive or delete): report and retry after a pause.
        if (running) options.onError?.(error);
        if (running) await pause();
      }
    }
  })();
  return {
    async stop() {
      running = false;
      if (!killed) await loop; // a killed poller's batch may never finish, like a dead container's
    },
    kill() {
      running = false;
      killed = true;
    },
  };
}

/** One receive → handle → delete cycle; returns how many records were handled. */
export async function pollOnce(options: PollerOptions, killed: () => boolean = () => false): Promise<number> {
  return (await pollBatch(options, killed)).received;
}

export interface PollResult {
  readonly received: number;
  /** The handler threw: every record counts as failed and none was deleted. */
  readonly handlerFailed: boolean;
}

export async function pollBatch(options: PollerOptions, killed: () => boolean = () => false): Promise<PollResult> {
  const received = await options.client.receiveMessage({
    QueueUrl: options.queueUrl,
    MaxNumberOfMessages: options.batchSize ?? 10,
    WaitTimeSeconds: 1,
    MessageSystemAttributeNames: ["All"],
    MessageAttributeNames: ["All"],
  });
  const messages = received.Messages ?? [];
  if (messages.length === 0) return { received: 0, handlerFailed: false };
  const event = { Records: messages.map((m) => toRecord(m, options.queueArn)) };
  const response = await invoke(options, event);
  if (killed() || response === undefined) return { received: messages.length, handlerFailed: response === undefined };
  await deleteDone(options, messages, response);
  return { received: messages.length, handlerFailed: false };
}

/** The handler's answer, or undefined when it threw (Lambda: a function error fails the whole batch). */
async function invoke(options: PollerOptions, event: SQSEvent): Promise<SQSBatchResponse | undefined> {
  const deadline = options.functionTimeoutMs === undefined ? undefined : Date.now() + options.functionTimeoutMs;
  const remainingMs = deadline === undefined ? () => Number.MAX_SAFE_INTEGER : () => Math.max(0, deadline - Date.now());
  try {
    return await options.handler(event, localContext(options.queueArn, remainingMs));
  } catch (error) {
    options.onError?.(error);
    return undefined;
  }
}

async function deleteDone(options: PollerOptions, messages: readonly SqsMessage[], response: SQSBatchResponse): Promise<void> {
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = messages.filter((m) => !failed.has(m.MessageId ?? ""));
  if (done.length === 0) return;
  await options.client.deleteMessageBatch({
    QueueUrl: options.queueUrl,
    Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })),
  });
}

/** A Lambda context for one local invocation: a fresh request id, and the remaining time `remainingMs` reports. */
export function localContext(queueArn: string, remainingMs: () => number): Context {
  const functionName = `local-${queueArn.split(":").pop() ?? "handler"}`;
  const unsupported = () => {
    throw new Error("callback-style completion is not supported locally");
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: remainingMs,
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export function toRecord(message: SqsMessage, queueArn: string): SQSRecord {
  const a = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? "1",
      SentTimestamp: a.SentTimestamp ?? "0",
      SenderId: a.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? "0",
      ...(a.MessageGroupId === undefined ? {} : { MessageGroupId: a.MessageGroupId }),
      ...(a.MessageDeduplicationId === undefined ? {} : { MessageDeduplicationId: a.MessageDeduplicationId }),
      ...(a.SequenceNumber === undefined ? {} : { SequenceNumber: a.SequenceNumber }),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: "us-east-1",
  };
}
