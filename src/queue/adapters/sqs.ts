/**
 * SQS adapter for both queue ports. Works against AWS and fauxqs alike through
 * any `SqsApi`: ours (sqs-client.ts) at run time, whose endpoint is the queue
 * URL's or SQS_ENDPOINT (local).
 */
import type { SqsApi, SqsMessage } from "./sqs-client.ts";
import { deduplicationId, messageGroupId } from "../ids.ts";
import { decodeRequest, encodeRequest, type ReconcileRequest } from "../messages.ts";
import { checkDelay, type DeadLetterQueue, type TimerQueue, type WorkQueue } from "../queue.ts";

const BATCH_LIMIT = 10;

export function createSqsWorkQueue(client: SqsApi, queueUrl: string): WorkQueue {
  return {
    async enqueue(requests) {
      for (let start = 0; start < requests.length; start += BATCH_LIMIT) {
        await sendBatch(client, queueUrl, requests.slice(start, start + BATCH_LIMIT));
      }
    },
  } satisfies WorkQueue;
}

async function sendBatch(client: SqsApi, queueUrl: string, requests: readonly ReconcileRequest[]): Promise<void> {
  const entries = requests.map((request, index) => ({
    Id: String(index),
    MessageBody: encodeRequest(request),
    MessageGroupId: messageGroupId(request),
    MessageDeduplicationId: deduplicationId(request),
  }));
  const result = await client.sendMessageBatch({ QueueUrl: queueUrl, Entries: entries });
  const failed = result.Failed ?? [];
  if (failed.length > 0) {
    const first = failed[0];
    throw new Error(`SQS rejected ${failed.length} of ${entries.length} messages: ${first?.Code ?? "?"} ${first?.Message ?? ""}`);
  }
}

export function createSqsTimerQueue(client: SqsApi, queueUrl: string): TimerQueue {
  return {
    async schedule(request, delaySeconds) {
      await client.sendMessage({ QueueUrl: queueUrl, MessageBody: encodeRequest(request), DelaySeconds: checkDelay(delaySeconds) });
    },
  } satisfies TimerQueue;
}

/**
 * Dead-lettered requests, handed back with a fresh nonce: the FIFO queue would otherwise take a
 * re-sent request for a duplicate of the original (same deduplication id) and drop it silently.
 */
export function createSqsDeadLetterQueue(client: SqsApi, queueUrl: string, name: string): DeadLetterQueue {
  return {
    name,
    async redrive(requeue, max) {
      let moved = 0;
      let unreadable = 0;
      while (moved + unreadable < max) {
        const received = await client.receiveMessage({ QueueUrl: queueUrl, MaxNumberOfMessages: BATCH_LIMIT, WaitTimeSeconds: 0 });
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

function redriven(message: SqsMessage): { request: ReconcileRequest; receiptHandle: string }[] {
  const decoded = decodeRequest(message.Body ?? "");
  if (!decoded.ok || message.ReceiptHandle === undefined) return [];
  return [{ request: { ...decoded.request, nonce: `redrive-${message.MessageId ?? ""}` }, receiptHandle: message.ReceiptHandle }];
}

async function deleteBatch(client: SqsApi, queueUrl: string, receiptHandles: readonly string[]): Promise<void> {
  if (receiptHandles.length === 0) return;
  const entries = receiptHandles.map((ReceiptHandle, index) => ({ Id: String(index), ReceiptHandle }));
  await client.deleteMessageBatch({ QueueUrl: queueUrl, Entries: entries });
}
