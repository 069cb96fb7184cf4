/**
 * An in-process stand-in for the Lambda SQS event source mapping: long-polls a
 * queue, hands the batch to the very handler Lambda runs, deletes the records
 * the handler did not report as failed and leaves the failed ones to the
 * visibility timeout (→ redelivery, → DLQ after maxReceiveCount). Run several
 * to get several concurrent "Lambdas".
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export interface PollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsBatchHandler;
  readonly batchSize?: number;
  readonly onError?: (error: unknown) => void;
}

export interface Poller {
  stop(): Promise<void>;
  /** Like a Lambda container dying: stops at once, and the batch in hand is never acknowledged (SQS redelivers it). */
  kill(): void;
}

export function startPoller(options: PollerOptions): Poller {
  let running = true;
  let killed = false;
  const loop = (async () => {
    while (running) {
      try {
        await pollOnce(options, () => killed);
      } catch (error) {
        if (running) options.onError?.(error);
        if (running) await new Promise((r) => setTimeout(r, 200));
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
  const received = await options.client.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.batchSize ?? 10,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    }),
  );
  const messages = received.Messages ?? [];
  if (messages.length === 0) return 0;
  const response = await options.handler({ Records: messages.map((m) => toRecord(m, options.queueArn)) });
  if (killed()) return messages.length;
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = messages.filter((m) => !failed.has(m.MessageId ?? ""));
  if (done.length > 0) {
    await options.client.send(
      new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })) }),
    );
  }
  return messages.length;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
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
