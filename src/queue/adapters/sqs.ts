/**
 * SQS adapter for both queue ports. Works against AWS and fauxqs alike; the
 * endpoint comes from configuration (SQS_ENDPOINT, unset on AWS).
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { deduplicationId, messageGroupId } from "../ids.ts";
import { decodeRequest, encodeRequest, type ReconcileRequest } from "../messages.ts";
import { checkDelay, type DeadLetterQueue, type TimerQueue, type WorkQueue } from "../queue.ts";

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

/**
 * Dead-lettered requests, handed back with a fresh nonce: the FIFO queue would otherwise take a
 * re-sent request for a duplicate of the original (same deduplication id) and drop it silently.
 */
export function createSqsDeadLetterQueue(client: SqsSender, queueUrl: string, name: string): DeadLetterQueue {
  return {
    name,
    async redrive(requeue, max) {
      let moved = 0;
      let unreadable = 0;
      while (moved + unreadable < max) {
        const received = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: BATCH_LIMIT, WaitTimeSeconds: 0 }));
        const messages = received.Messages ?? [];
        if (messages.length === 0) break;
        const readable = messages.flatMap((message) => redriven(message));
        unreadable += messages.length - readable.length;
        await requeue(readable.map((r) => r.request));
        await deleteBatch(
          client,
          queueUrl,
          readable.map((r) => r.receiptHandle),
        );
        moved += readable.length;
      }
      return { moved, unreadable };
    },
  } satisfies DeadLetterQueue;
}

function redriven(message: Message): { request: ReconcileRequest; receiptHandle: string }[] {
  const decoded = decodeRequest(message.Body ?? "");
  if (!decoded.ok || message.ReceiptHandle === undefined) return [];
  return [{ request: { ...decoded.request, nonce: `redrive-${message.MessageId ?? ""}` }, receiptHandle: message.ReceiptHandle }];
}

async function deleteBatch(client: SqsSender, queueUrl: string, receiptHandles: readonly string[]): Promise<void> {
  if (receiptHandles.length === 0) return;
  const entries = receiptHandles.map((ReceiptHandle, index) => ({ Id: String(index), ReceiptHandle }));
  await client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
}
