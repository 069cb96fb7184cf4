/**
 * The batch shell's rules without queues: FIFO group order with the deadline, which failed
 * records come back at once and which after the retry delay, a batch that failed whole, and the
 * keys every log line carries (Lambda request id, cold start, SQS message id).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FullBatchFailureError } from "@aws-lambda-powertools/batch";
import type { SQSRecord } from "aws-lambda";
import { configFromEnv } from "../../src/config/config.ts";
import { createTracer, powertoolsLogger, withInvocation } from "../../src/lambda/observability.ts";
import {
  batchSettingsFromEnv,
  createSqsBatchHandler,
  failedRecordDelaySeconds,
  type BatchOptions,
  type RequestHandler,
  type VisibilityChange,
} from "../../src/lambda/sqs-batch.ts";
import { localContext } from "../../src/local/poller.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { noMetrics } from "../../src/ports/metrics.ts";
import type { ReconcileRequest } from "../../src/queue/messages.ts";
import { noFlush } from "../support/lambda.ts";

const ref = (uid: string) => ({ apiVersion: "x.dev/v1", kind: "App", namespace: "ns", name: `app-${uid}`, uid });

function record(uid: string, nonce: string, receiveCount = 1): SQSRecord {
  const id = `${uid}${nonce}`;
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: JSON.stringify({ trigger: ref(uid), reason: "force", nonce }),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: "0",
      SenderId: "t",
      ApproximateFirstReceiveTimestamp: "0",
      MessageGroupId: uid,
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:q.fifo",
    awsRegion: "us-east-1",
  };
}

/** A context with `budgetMs` left that loses `costMs` per record run. */
function countdown(budgetMs: number, costMs: number) {
  let spent = 0;
  return { context: localContext("arn:aws:sqs:us-east-1:0:q", () => budgetMs - spent), spend: () => void (spent += costMs) };
}

function setup(handle: RequestHandler, extra: Partial<BatchOptions> = {}) {
  const changes: VisibilityChange[] = [];
  const handler = createSqsBatchHandler(handle, {
    logger: silentLogger,
    metrics: noMetrics,
    maxReceiveCount: 5,
    fifo: true,
    recordAllowanceMs: 10_000,
    retryDelay: { baseSeconds: 5, capSeconds: 60 },
    changeVisibility: async (c) => void changes.push(...c),
    ...extra,
  });
  return { handler, changes };
}

const seconds = (changes: readonly VisibilityChange[]) => Object.fromEntries(changes.map((c) => [c.messageId, c.seconds]));

test("SRV-6: after a group's record failed, its later records are failed unrun and come back at once; the failed one after the retry delay", async () => {
  const ran: string[] = [];
  const { handler, changes } = setup(async (r: ReconcileRequest) => {
    ran.push(`${r.trigger.uid}${r.nonce ?? ""}`);
    if (r.trigger.uid === "a" && r.nonce === "1") throw new Error("cluster unreachable");
  });
  const response = await handler({ Records: [record("a", "1", 2), record("b", "1"), record("a", "2"), record("c", "1")] });
  assert.deepEqual(ran, ["a1", "b1", "c1"], "a2 never overtakes a1");
  assert.deepEqual(
    response.batchItemFailures.map((f) => f.itemIdentifier),
    ["a1", "a2"],
  );
  assert.deepEqual(seconds(changes), { a1: 10, a2: 0 }, "a1 ran on its 2nd receive: 5·2¹ s; a2 never started");
  assert.equal(changes.find((c) => c.messageId === "a1")?.receiptHandle, "rh-a1");
});

test("SRV-6: a FIFO batch runs its triggers' groups concurrently, each group's records one after another in arrival order", async () => {
  const running = new Map<string, number>();
  let most = 0;
  const order: string[] = [];
  const { handler } = setup(async (r) => {
    const uid = r.trigger.uid;
    running.set(uid, (running.get(uid) ?? 0) + 1);
    assert.equal(running.get(uid), 1, `two records of group ${uid} at once`);
    most = Math.max(
      most,
      [...running.values()].reduce((a, b) => a + b, 0),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    order.push(`${uid}${r.nonce ?? ""}`);
    running.set(uid, (running.get(uid) ?? 1) - 1);
  });
  const response = await handler({ Records: [record("a", "1"), record("b", "1"), record("a", "2"), record("c", "1"), record("a", "3"), record("b", "2")] });
  assert.deepEqual(response.batchItemFailures, []);
  assert.equal(most, 3, "the three groups ran side by side");
  assert.deepEqual(
    order.filter((id) => id.startsWith("a")),
    ["a1", "a2", "a3"],
  );
  assert.deepEqual(
    order.filter((id) => id.startsWith("b")),
    ["b1", "b2"],
  );
});

test("SRV-6: a record starts only while the invocation can cover one more; a group's later record that cannot is failed unrun and does not wait", async () => {
  const clock = countdown(15_000, 10_000); // 15 s left, 10 s allowance; a record that ends has taken 10 s
  const ran: string[] = [];
  const { handler, changes } = setup(async (r) => {
    ran.push(`${r.trigger.uid}${r.nonce ?? ""}`);
    await new Promise((resolve) => setImmediate(resolve));
    clock.spend();
  });
  const response = await handler({ Records: [record("a", "1"), record("b", "1"), record("a", "2"), record("c", "1")] }, clock.context);
  assert.deepEqual(ran, ["a1", "b1", "c1"], "the three groups start together with 15 s left; after a1, 5 s are left: a2 does not start");
  assert.deepEqual(
    response.batchItemFailures.map((f) => f.itemIdentifier),
    ["a2"],
  );
  assert.deepEqual(seconds(changes), { a2: 0 });
});

test("SRV-6: the timer queue's records are independent: they run concurrently, each started only with time for one", async () => {
  let running = 0;
  let most = 0;
  const ran: string[] = [];
  const { handler } = setup(
    async (r) => {
      most = Math.max(most, ++running);
      ran.push(r.trigger.uid);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
    },
    { fifo: false },
  );
  assert.deepEqual((await handler({ Records: [record("a", "1"), record("b", "1"), record("c", "1")] }, countdown(15_000, 0).context)).batchItemFailures, []);
  assert.equal(most, 3);
  await assert.rejects(
    handler({ Records: [record("d", "1"), record("e", "1")] }, countdown(5_000, 0).context),
    FullBatchFailureError,
    "5 s left, 10 s allowance: none starts",
  );
  assert.deepEqual(ran, ["a", "b", "c"]);
});

test("SRV-7: a batch in which every record failed throws FullBatchFailureError after returning its records early", async () => {
  const { handler, changes } = setup(async () => {
    throw new Error("cluster unreachable");
  });
  await assert.rejects(handler({ Records: [record("a", "1"), record("b", "1", 3)] }), FullBatchFailureError);
  assert.deepEqual(seconds(changes), { a1: 5, b1: 20 });
});

test("a malformed message is acknowledged, even with no time left; an empty batch is no error", async () => {
  const { handler, changes } = setup(async () => {});
  const bad = { ...record("z", "1"), body: "not json" };
  const response = await handler({ Records: [bad] }, countdown(0, 0).context);
  assert.deepEqual(response.batchItemFailures, []);
  assert.deepEqual((await handler({ Records: [] })).batchItemFailures, []);
  assert.deepEqual(changes, []);
});

test("retry delay: min(base · 2^(receives − 1), cap); settings from the environment", () => {
  const delay = { baseSeconds: 5, capSeconds: 60 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 9].map((n) => failedRecordDelaySeconds(n, delay)),
    [5, 10, 20, 40, 60, 60],
  );
  assert.equal(failedRecordDelaySeconds(Number.NaN, delay), 5, "unknown receive count: the first step");
  const config = configFromEnv({});
  assert.deepEqual(batchSettingsFromEnv({}, config, "work"), { recordAllowanceMs: 35_000, retryDelay: delay }, "30 s budget + 5 s");
  assert.equal(batchSettingsFromEnv({}, config, "timer").recordAllowanceMs, 5_000);
  const custom = { KOREO_RECORD_ALLOWANCE_SECONDS: "50", KOREO_FAILED_RECORD_DELAY_SECONDS: "2", KOREO_FAILED_RECORD_DELAY_CAP_SECONDS: "30" };
  assert.deepEqual(batchSettingsFromEnv(custom, config, "work"), { recordAllowanceMs: 50_000, retryDelay: { baseSeconds: 2, capSeconds: 30 } });
  assert.equal(batchSettingsFromEnv({ KOREO_RECORD_ALLOWANCE_SECONDS: "soon" }, config, "work").recordAllowanceMs, 35_000, "unreadable: the default");
});

test("CTL-21 / SRV-13: every line a record logs carries the Lambda request id, the cold start flag and its own SQS message id, also while records run side by side", async () => {
  const lines = await captureConsole(async () => {
    const logger = powertoolsLogger("koreo.test", "INFO");
    const { handler } = setup(
      async (r, log) => {
        log.info("reconciling", { name: r.trigger.name });
        await new Promise((resolve) => setImmediate(resolve));
        log.info("reconciled");
      },
      { logger },
    );
    const tracer = createTracer({});
    for (const requestId of ["req-1", "req-2"]) {
      const context = { ...localContext("arn:aws:sqs:us-east-1:0:q", () => 60_000), awsRequestId: requestId };
      await withInvocation({ name: "test", logger, metrics: noFlush, tracer, context }, async () => {
        await handler({ Records: [record("a", requestId), record("b", requestId)] }, context);
        logger.info("batch done");
      });
    }
  });
  const keys = (message: string) => lines.filter((l) => l.message === message).map((l) => [l.function_request_id, l.cold_start, l.messageId, l.trigger]);
  const expected = [
    ["req-1", true, "areq-1", "App:ns/app-a"],
    ["req-1", true, "breq-1", "App:ns/app-b"],
    ["req-2", false, "areq-2", "App:ns/app-a"],
    ["req-2", false, "breq-2", "App:ns/app-b"],
  ];
  assert.deepEqual(keys("reconciling"), expected);
  assert.deepEqual(keys("reconciled"), expected, "the second line of each record, after the other record logged in between");
  const done = lines.find((l) => l.message === "batch done");
  assert.equal(done?.function_request_id, "req-1");
  assert.equal(done?.messageId, undefined, "the record's keys stay on the record's logger");
});

type Line = Record<string, unknown>;

/**
 * Powertools in dev mode writes through the global console: collect its JSON lines. Lambda sets
 * AWS_LAMBDA_INITIALIZATION_TYPE=on-demand; without it Powertools never reports a cold start.
 */
async function captureConsole(run: () => Promise<void>): Promise<Line[]> {
  const lines: Line[] = [];
  const saved = { info: console.info, warn: console.warn, error: console.error, debug: console.debug, log: console.log };
  const keep = (text: unknown) => void lines.push(JSON.parse(String(text)) as Line);
  const env = { POWERTOOLS_DEV: "true", AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand" };
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  Object.assign(console, { info: keep, warn: keep, error: keep, debug: keep, log: keep });
  try {
    await run();
  } finally {
    Object.assign(console, saved);
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  return lines;
}
