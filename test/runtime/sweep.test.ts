/** The resync sweep: missed events from the record, lost timer chains from the dead-letter queues (real fauxqs over HTTP). */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createInMemoryCluster } from "../../src/cluster/adapters/in-memory.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import type { Logger, LogFields } from "../../src/ports/logger.ts";
import type { Metrics, MetricName } from "../../src/ports/metrics.ts";
import { startLocalSqs, type LocalSqs } from "../../src/local/sqs.ts";
import { createSqsDeadLetterQueue, createSqsWorkQueue } from "../../src/queue/adapters/sqs.ts";
import { decodeRequest, encodeRequest, type ReconcileRequest } from "../../src/queue/messages.ts";
import { changeHash } from "../../src/reconciler/change-hash.ts";
import { encodeRecord, RECORD_ANNOTATION } from "../../src/reconciler/record.ts";
import { sweep, sweepRequest } from "../../src/reconciler/sweep.ts";

let sqs: LocalSqs;
before(async () => {
  sqs = await startLocalSqs({ visibilityTimeoutSeconds: 1 });
});
after(async () => sqs.stop());

const trigger = { apiVersion: "x.dev/v1", kind: "App", namespace: "ns", name: "a", uid: "u-a" };
const object = { apiVersion: "x.dev/v1", kind: "App", metadata: { name: "a", namespace: "ns", uid: "u-a" }, spec: { size: 1 } };

function recorder() {
  const errors: { message: string; fields?: LogFields }[] = [];
  const counted: MetricName[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (message, fields) => void errors.push({ message, ...(fields && { fields }) }),
    child: () => logger,
  };
  const metrics: Metrics = { count: (name) => void counted.push(name), milliseconds() {} };
  return { errors, counted, logger, metrics };
}

/** Receives and deletes (consumes) what the work queue offers now. */
async function receiveWork(): Promise<ReconcileRequest[]> {
  const received = await sqs.client.receiveMessage({ QueueUrl: sqs.workUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
  const entries = (received.Messages ?? []).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" }));
  if (entries.length > 0) await sqs.client.deleteMessageBatch({ QueueUrl: sqs.workUrl, Entries: entries });
  return (received.Messages ?? []).flatMap((m) => {
    const decoded = decodeRequest(m.Body ?? "");
    return decoded.ok ? [decoded.request] : [];
  });
}

test("SRV-7: a trigger never reconciled, or changed since its record, is re-offered as an event; one the record has seen is not", () => {
  assert.deepEqual(sweepRequest(object), { trigger, reason: "event", hash: changeHash(object) });
  const annotations = { [RECORD_ANNOTATION]: encodeRecord({ hash: changeHash(object), outcome: "Ok", attempt: 0, chain: 1 }) };
  const seen = { ...object, metadata: { ...object.metadata, annotations } };
  assert.equal(sweepRequest(seen), undefined);
  const changed = { ...seen, spec: { size: 2 } };
  assert.equal(sweepRequest(changed)?.reason, "event");
});

test("SRV-7: dead-lettered timers go back to the work queue as due sweep requests of their chain, once; unreadable bodies stay for an operator", async () => {
  const lost: ReconcileRequest = { trigger, reason: "timer", dueAt: 5_000, chain: 1_000 };
  await sqs.client.sendMessage({ QueueUrl: sqs.timerDlqUrl, MessageBody: encodeRequest(lost) });
  await sqs.client.sendMessage({ QueueUrl: sqs.timerDlqUrl, MessageBody: "not a request" });
  const { errors, counted, logger, metrics } = recorder();
  const deps = {
    cluster: createInMemoryCluster({ clock: fixedClock(10_000) }),
    work: createSqsWorkQueue(sqs.client, sqs.workUrl),
    clock: fixedClock(10_000),
    logger,
    metrics,
    boundKinds: async () => [],
    namespaces: ["*"],
    deadLetters: [createSqsDeadLetterQueue(sqs.client, sqs.timerDlqUrl, "timer-dlq")],
  };
  assert.equal(await sweep(deps), 1);
  const [back, ...rest] = await receiveWork();
  assert.deepEqual(rest, []);
  assert.equal(back?.reason, "sweep");
  assert.equal(back?.chain, 1_000, "the gate still checks that the chain is the live one");
  assert.equal(back?.dueAt, 5_000);
  assert.match(String(errors[0]?.message), /2 dead-lettered messages in timer-dlq; handed 1 back/);
  assert.deepEqual(counted, ["DeadLetterRedrives"]);
  assert.equal(sqs.depth("timer-dlq").ready + sqs.depth("timer-dlq").inflight, 1, "only the unreadable body remains");
});

test("SRV-7 / SRV-2: a dead-lettered work request is handed back under a new deduplication id (FIFO would drop a plain re-send)", async () => {
  const work = createSqsWorkQueue(sqs.client, sqs.workDlqUrl); // the FIFO DLQ takes the same group and dedup ids
  const event: ReconcileRequest = { trigger: { ...trigger, uid: "u-b" }, reason: "event", hash: "h9" };
  await work.enqueue([event]);
  await createSqsWorkQueue(sqs.client, sqs.workUrl).enqueue([event]);
  assert.equal((await receiveWork()).length, 1, "the original, consumed");
  const dlq = createSqsDeadLetterQueue(sqs.client, sqs.workDlqUrl, "work-dlq");
  const moved = await dlq.redrive((requests) => createSqsWorkQueue(sqs.client, sqs.workUrl).enqueue(requests), 10);
  assert.deepEqual(moved, { moved: 1, unreadable: 0 });
  const [again] = await receiveWork();
  assert.equal(again?.hash, "h9");
  assert.match(String(again?.nonce), /^redrive-/);
});
