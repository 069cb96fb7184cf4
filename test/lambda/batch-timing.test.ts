/**
 * The reconcile handler's batch shell against a slow and then an unreachable cluster (the embedded
 * API server behind a real HTTP proxy) and real SQS (fauxqs, 900 s visibility as deployed):
 * a batch's triggers run side by side, each started only while the Lambda context has time for
 * one; records that could not start are reported failed and come back at once; a batch that failed whole throws; failed records come back after
 * the short retry delay, long before the queue's visibility timeout.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Message } from "@aws-sdk/client-sqs";
import { FullBatchFailureError } from "@aws-lambda-powertools/batch";
import { createReconcileHandler } from "../../src/lambda/reconcile-handler.ts";
import { pollBatch } from "../../src/local/poller.ts";
import { createSqsWorkQueue } from "../../src/queue/adapters/sqs.ts";
import type { RuntimeOverrides } from "../../src/lambda/cold-start.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { waitFor } from "../support/e2e.ts";
import { createWidget, deleteMessages, eventOf, noFlush, receive, receiveCount, startFixture, virtualContext, type Fixture } from "../support/lambda.ts";

type WrapRun = NonNullable<RuntimeOverrides["wrapRun"]>;
type RunReconcile = Parameters<WrapRun>[0];

/** Each API request costs one virtual second; a record may start with 30 s left. */
const COST_MS = 1000;
const ALLOWANCE_SECONDS = 30;

let fx: Fixture;
before(async () => {
  fx = await startFixture({ delayMs: 25, costMs: COST_MS, queueVisibilitySeconds: 900 });
});
after(async () => fx?.stop());

/** Trigger uids the engine actually ran, in order (wrapRun sees every run that got past the gate), and how many ran at once at most. */
function runLog() {
  const ran: string[] = [];
  let running = 0;
  const log = { ran, most: 0, wrapRun: (run: RunReconcile): RunReconcile => run };
  log.wrapRun =
    (run: RunReconcile): RunReconcile =>
    async (...args) => {
      ran.push(args[0].uid);
      log.most = Math.max(log.most, ++running);
      try {
        return await run(...args);
      } finally {
        running--;
      }
    };
  return log;
}

function handlerFor(wrapRun: WrapRun) {
  const env = fx.env({ KOREO_RECORD_ALLOWANCE_SECONDS: String(ALLOWANCE_SECONDS), KOREO_FAILED_RECORD_DELAY_SECONDS: "1" });
  return createReconcileHandler(env, { logger: silentLogger, metrics: noFlush, wrapRun });
}

const idOf = (m: Message) => m.MessageId ?? "";
const uidOf = (m: Message) => (JSON.parse(m.Body ?? "{}") as { trigger: { uid: string } }).trigger.uid;

async function enqueue(names: readonly string[], prefix: string) {
  const refs = new Map<string, Awaited<ReturnType<typeof createWidget>>>();
  for (const name of new Set(names)) refs.set(name, await createWidget(fx.cluster, `${prefix}-${name}`));
  const requests = names.map((name, i) => ({ trigger: refs.get(name) ?? assert.fail(), reason: "force" as const, nonce: String(i) }));
  await createSqsWorkQueue(fx.sqs.client, fx.sqs.workUrl).enqueue(requests);
  return receiveCount(fx.sqs, fx.sqs.workUrl, requests.length);
}

test("SRV-6: a batch's triggers run side by side, each started while the invocation can cover it; with too little time none starts and all come back at once", async () => {
  const log = runLog();
  const handler = handlerFor(log.wrapRun);
  // Warm the container (definitions listed, clients connected) with one record, so the batch below spends its time on records alone.
  const warm = await enqueue(["warm"], "timing");
  assert.deepEqual((await handler(eventOf(warm, fx.sqs.workArn), virtualContext(fx.proxy, 900_000))).batchItemFailures, []);
  await deleteMessages(fx.sqs, fx.sqs.workUrl, warm);
  log.ran.length = 0;
  // Distinct triggers: fauxqs hands out one message per FIFO group per receive (a group's own order is in sqs-batch.test.ts).
  const messages = await enqueue(["a", "b", "c", "d", "e", "f"], "timing");
  // Time for one record and a few requests more: every group starts at once, so all six run.
  const response = await handler(eventOf(messages, fx.sqs.workArn), virtualContext(fx.proxy, (ALLOWANCE_SECONDS + 3) * 1000));
  assert.deepEqual(response.batchItemFailures, []);
  assert.deepEqual(new Set(log.ran), new Set(messages.map(uidOf)));
  assert.ok(log.most > 1, `the records ran side by side (at most ${log.most} at once)`);
  await deleteMessages(fx.sqs, fx.sqs.workUrl, messages);

  // Less time than one record needs: none starts (a function error, as every record failed), and
  // as none ran, all come back at once (visibility 0), not after the queue's 900 s.
  log.ran.length = 0;
  const late = await enqueue(["g", "h", "i"], "timing");
  await assert.rejects(handler(eventOf(late, fx.sqs.workArn), virtualContext(fx.proxy, (ALLOWANCE_SECONDS - 1) * 1000)), FullBatchFailureError);
  assert.deepEqual(log.ran, []);
  const again = await receiveCount(fx.sqs, fx.sqs.workUrl, late.length);
  assert.deepEqual(new Set(again.map(idOf)), new Set(late.map(idOf)));
  await deleteMessages(fx.sqs, fx.sqs.workUrl, again);
});

test("SRV-7: a batch in which every record failed throws (a function error), and its records come back after the short retry delay", async () => {
  const log = runLog();
  const handler = handlerFor(log.wrapRun);
  const messages = await enqueue(["f", "g"], "down");
  fx.proxy.setDown(true);
  try {
    await assert.rejects(handler(eventOf(messages, fx.sqs.workArn), virtualContext(fx.proxy, 900_000)), FullBatchFailureError);
  } finally {
    fx.proxy.setDown(false);
  }
  // KOREO_FAILED_RECORD_DELAY_SECONDS=1 on the first receive: back within seconds, receive count 2.
  const again = await waitFor("the failed records to be receivable again", async () => {
    const got = await receive(fx.sqs, fx.sqs.workUrl, 1);
    return got.length === 2 ? got : undefined;
  });
  assert.deepEqual(new Set(again.map(idOf)), new Set(messages.map(idOf)));
  assert.ok(again.every((m) => m.Attributes?.ApproximateReceiveCount === "2"));
  await deleteMessages(fx.sqs, fx.sqs.workUrl, again);
});

test("SRV-7: the local poller takes a thrown batch as all failed: it reports the error, deletes nothing, and receives the records again", async () => {
  const log = runLog();
  const handler = handlerFor(log.wrapRun);
  const trigger = await createWidget(fx.cluster, "poller-h");
  const queued = () => fx.sqs.depth("work").ready + fx.sqs.depth("work").inflight + fx.sqs.depth("work").delayed;
  const before = queued();
  await createSqsWorkQueue(fx.sqs.client, fx.sqs.workUrl).enqueue([{ trigger, reason: "force", nonce: "1" }]);
  const errors: unknown[] = [];
  const options = {
    client: fx.sqs.client,
    queueUrl: fx.sqs.workUrl,
    queueArn: fx.sqs.workArn,
    handler,
    functionTimeoutMs: 900_000,
    onError: (e: unknown) => void errors.push(e),
  };
  fx.proxy.setDown(true);
  try {
    const polled = await waitFor("the record to be received", async () => {
      const result = await pollBatch(options);
      return result.received > 0 ? result : undefined;
    });
    assert.deepEqual(polled, { received: 1, handlerFailed: true });
    assert.ok(errors[0] instanceof FullBatchFailureError);
  } finally {
    fx.proxy.setDown(false);
  }
  // Not deleted: back after the 1 s retry delay, and this time it succeeds and is deleted.
  await waitFor("the record to run after the cluster is back", async () =>
    (await pollBatch(options)).received > 0 && log.ran.includes(trigger.uid) ? true : undefined,
  );
  assert.equal(queued(), before, "deleted once it succeeded");
});
