/**
 * SQS adapter for both queue ports. Works against AWS and fauxqs alike; the
 * endpoint comes from configuration (SQS_ENDPOINT, unset on AWS).
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { deduplicationId, messageGroupId } from "../ids.ts";
import { encodeRequest, type ReconcileRequest } from "../messages.ts";
import { checkDelay, type TimerQueue, type WorkQueue } from "../queue.ts";

/** The slice of the SDK client this adapter calls. */
export type SqsSender = Pick<SQSClient, "send">;

const BATCH_LIMIT = 10;

export function createSqsWorkQueue(client: SqsSender, queueUrl: string): WorkQueue {
  return {
    async enqueue(requests) {
      for (let start = 0; start < requests.length; start += BATCH_LIMIT) {
        await sendBatch(client, queueUrl, requests.slice(start, start + BATCH_LIMIT));
      }
    },
  } satisfies WorkQueue;
}

async function sendBatch(client: SqsSender, queueUrl: string, requests: readonly ReconcileRequest[]): Promise<void> {
  const entries = requests.map((request, index) => ({
    Id: String(index),
    MessageBody: encodeRequest(request),
    MessageGroupId: messageGroupId(request),
    MessageDeduplicationId: deduplicationId(request),
  }));
  const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  const failed = result.Failed ?? [];
  if (failed.length > 0) {
    const first = failed[0];
    throw new Error(`SQS rejected ${failed.length} of ${entries.length} messages: ${first?.Code ?? "?"} ${first?.Message ?? ""}`);
  }
}

export function createSqsTimerQueue(client: SqsSender, queueUrl: string): TimerQueue {
  return {
    async schedule(request, delaySeconds) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeRequest(request), DelaySeconds: checkDelay(delaySeconds) }));
    },
  } satisfies TimerQueue;
}
