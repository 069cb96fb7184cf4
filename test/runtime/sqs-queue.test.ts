/** The queue adapters and the local event-source poller against fauxqs over HTTP. */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { localSqsClient, startLocalSqs, type LocalSqs } from "../../src/local/sqs.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import { createTimerForwarder } from "../../src/timers/forwarder.ts";
import { startCountingProxy } from "../support/counting-proxy.ts";
import { createSqsTimerQueue, createSqsWorkQueue } from "../../src/queue/adapters/sqs.ts";
import { DelayOutOfRange } from "../../src/queue/queue.ts";
import { pollOnce } from "../../src/local/poller.ts";
import { createSqsBatchHandler } from "../../src/lambda/sqs-batch.ts";
import { decodeRequest, type ReconcileRequest } from "../../src/queue/messages.ts";
import { noMetrics } from "../../src/ports/metrics.ts";
import { silentLogger, type Logger } from "../../src/ports/logger.ts";

let sqs: LocalSqs;
before(async () => {
  sqs = await startLocalSqs({ maxReceiveCount: 2, visibilityTimeoutSeconds: 1 });
});
after(async () => sqs.stop());

const ref = (uid: string) => ({ apiVersion: "x.dev/v1", kind: "App", namespace: "ns", name: uid, uid });

async function receiveAll(url: string, waitSeconds = 0) {
  const r = await sqs.client.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds });
  return (r.Messages ?? []).map((m) => {
    const d = decodeRequest(m.Body ?? "");
    assert.ok(d.ok);
    return d.request;
  });
}

test("SRV-2 / CTL-11: one FIFO group per trigger uid: a trigger's second request waits while its first is in flight; other triggers do not", async () => {
  const work = createSqsWorkQueue(sqs.client, sqs.workUrl);
  await work.enqueue([
    { trigger: ref("a"), reason: "force", nonce: "1" },
    { trigger: ref("a"), reason: "force", nonce: "2" },
    { trigger: ref("b"), reason: "force", nonce: "1" },
  ]);
  const first = await receiveAll(sqs.workUrl);
  assert.deepEqual(first.map((r) => `${r.trigger.uid}:${r.nonce}`).sort(), ["a:1", "b:1"]);
  const whileInFlight = await receiveAll(sqs.workUrl);
  assert.deepEqual(whileInFlight, [], "group a is locked while a:1 is in flight");
  const later = await receiveAll(sqs.workUrl, 3); // a:1 and b:1 come back after their 1 s visibility timeout, in order
  assert.ok(later.some((r) => r.trigger.uid === "a" && r.nonce === "1"));
  assert.ok(!later.some((r) => r.nonce === "2"), "a:2 never overtakes a:1");
  await drain(sqs.workUrl);
});

test("SRV-2: a burst of identical events for one trigger collapses to one message (dedup id uid:hash)", async () => {
  const work = createSqsWorkQueue(sqs.client, sqs.workUrl);
  const event: ReconcileRequest = { trigger: ref("c"), reason: "event", hash: "h1" };
  await work.enqueue([event, event, event]);
  await work.enqueue([event]);
  assert.equal(sqs.depth("work").ready, 1);
  await drain(sqs.workUrl);
});

test("SRV-5: the timer queue holds a request for its delay and rejects DelaySeconds > 900 itself (fauxqs would accept 901)", async () => {
  const timers = createSqsTimerQueue(sqs.client, sqs.timerUrl);
  await assert.rejects(timers.schedule({ trigger: ref("d"), reason: "timer", dueAt: 1 }, 901), DelayOutOfRange);
  await timers.schedule({ trigger: ref("d"), reason: "timer", dueAt: 1 }, 1);
  assert.equal(sqs.depth("timer").delayed, 1);
  const got = await receiveAll(sqs.timerUrl, 3);
  assert.equal(got[0]?.trigger.uid, "d");
});

test("SRV-7 / SRV-6: a request whose handler keeps failing is redelivered, logged on its last receive, then dead-lettered", async () => {
  const errors: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (m) => void errors.push(m), child: () => logger };
  const failing = createSqsBatchHandler(
    async () => {
      throw new Error("cluster unreachable");
    },
    { logger, metrics: noMetrics, maxReceiveCount: 2, fifo: true },
  );
  const work = createSqsWorkQueue(sqs.client, sqs.workUrl);
  await work.enqueue([{ trigger: ref("e"), reason: "force", nonce: "x" }]);
  const options = { client: sqs.client, queueUrl: sqs.workUrl, queueArn: sqs.workArn, handler: failing };
  const before = sqs.depth("work-dlq").ready;
  for (let i = 0; i < 10 && sqs.depth("work-dlq").ready === before; i++) await pollOnce(options);
  assert.equal(sqs.depth("work-dlq").ready, before + 1);
  assert.ok(errors.some((m) => m.includes("dead-letter")));
});

test("SRV-6: within a FIFO batch a failure fails the rest of that trigger's group but not other triggers", async () => {
  const seen: string[] = [];
  const handler = createSqsBatchHandler(
    async (r) => {
      seen.push(`${r.trigger.uid}:${r.nonce}`);
      if (r.nonce === "1" && r.trigger.uid === "f") throw new Error("fail");
    },
    {
      logger: silentLogger,
      metrics: noMetrics,
      maxReceiveCount: 5,
      fifo: true,
    },
  );
  const rec = (uid: string, nonce: string, id: string) => ({
    messageId: id,
    receiptHandle: id,
    body: JSON.stringify({ trigger: ref(uid), reason: "force", nonce }),
    attributes: { ApproximateReceiveCount: "1", SentTimestamp: "0", SenderId: "t", ApproximateFirstReceiveTimestamp: "0", MessageGroupId: uid },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn",
    awsRegion: "us-east-1",
  });
  const res = await handler({ Records: [rec("f", "1", "m1"), rec("g", "1", "m2"), rec("f", "2", "m3")] });
  assert.deepEqual(res.batchItemFailures.map((f) => f.itemIdentifier).sort(), ["m1", "m3"]);
  assert.deepEqual(seen, ["f:1", "g:1"], "f:2 is not run after f:1 failed");
});

async function drain(url: string) {
  for (let i = 0; i < 10; i++) {
    const r = await sqs.client.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 });
    const entries = (r.Messages ?? []).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" }));
    if (entries.length === 0) return;
    await sqs.client.deleteMessageBatch({ QueueUrl: url, Entries: entries });
  }
}

test("SRV-5: the timer handler forwards the due requests of one batch in one SendMessageBatch and re-holds the others", async () => {
  const proxy = await startCountingProxy(sqs.endpoint);
  const client = localSqsClient(proxy.url);
  try {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const forward = createTimerForwarder({
      work: createSqsWorkQueue(client, sqs.workUrl),
      timers: createSqsTimerQueue(client, sqs.timerUrl),
      clock: fixedClock(now),
      metrics: noMetrics,
    });
    const handler = createSqsBatchHandler(forward, { logger: silentLogger, metrics: noMetrics, maxReceiveCount: 5, fifo: false });
    const timer = (uid: string, dueAt: number) => ({
      messageId: `t-${uid}`,
      receiptHandle: `t-${uid}`,
      body: JSON.stringify({ trigger: ref(`timer-${uid}`), reason: "timer", nonce: uid, dueAt }),
      attributes: { ApproximateReceiveCount: "1", SentTimestamp: "0", SenderId: "t", ApproximateFirstReceiveTimestamp: "0" },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: sqs.timerArn,
      awsRegion: "us-east-1",
    });
    const due = ["a", "b", "c", "d", "e", "f"];
    const response = await handler({ Records: [...due.map((uid) => timer(uid, now - 1000)), timer("later", now + 3_600_000)] });
    assert.deepEqual(response.batchItemFailures, []);
    const sends = proxy.requests.filter((r) => r.action.startsWith("Send"));
    assert.deepEqual(sends.map((r) => r.action).sort(), ["SendMessage", "SendMessageBatch"], "one send for six due timers; the one not due is held again");
    const received: string[] = [];
    for (let i = 0; i < 10 && received.length < due.length; i++) {
      const got = await sqs.client.receiveMessage({ QueueUrl: sqs.workUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
      const messages = got.Messages ?? [];
      for (const m of messages) {
        const decoded = decodeRequest(m.Body ?? "");
        if (decoded.ok) received.push(decoded.request.trigger.uid);
      }
      if (messages.length > 0)
        await sqs.client.deleteMessageBatch({
          QueueUrl: sqs.workUrl,
          Entries: messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle ?? "" })),
        });
    }
    assert.deepEqual(received.sort(), due.map((uid) => `timer-${uid}`).sort());
  } finally {
    client.destroy();
    await proxy.close();
  }
});
