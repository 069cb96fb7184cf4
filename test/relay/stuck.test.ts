/**
 * Stuck states are an ERROR and a metric, not a stream of WARNs (SRV-13, SRV-1): the relay's
 * parts as relay.ts wires them — a watch (watch.ts) over real HTTP feeding the watch health, the
 * send buffer (sender.ts) sending through the SQS adapter to fauxqs — and the health server's
 * /metrics over HTTP. The stuck threshold (5 minutes by default) is shortened to keep the test short.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { CreateQueueCommand, SQS } from "@aws-sdk/client-sqs";
import { startApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { explicitKubeAccess } from "../../src/cluster/adapters/kube-access.ts";
import { startLocalSqs } from "../../src/local/sqs.ts";
import type { Logger, LogFields } from "../../src/ports/logger.ts";
import { createSqsWorkQueue } from "../../src/queue/adapters/sqs.ts";
import type { ReconcileRequest } from "../../src/queue/messages.ts";
import { startHealthServer } from "../../src/relay/health-server.ts";
import type { RelaySnapshot } from "../../src/relay/health.ts";
import { createSender, type Sender } from "../../src/relay/sender.ts";
import { createWatchHealth, type WatchHealth } from "../../src/relay/watch-health.ts";
import { watchKind } from "../../src/relay/watch.ts";
import { waitFor } from "../support/e2e.ts";

interface Line {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields;
}

function recordingLogger(lines: Line[]): Logger {
  const at =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      void lines.push({ level, message, fields });
  const logger: Logger = { debug: at("DEBUG"), info: at("INFO"), warn: at("WARN"), error: at("ERROR"), child: () => logger };
  return logger;
}

const request: ReconcileRequest = { trigger: { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "a", uid: "u-1" }, reason: "event", hash: "h" };
const quickRetry = { baseMs: 20, capMs: 100, jitterMs: 10 };
const idleSender = (lines: Line[]) => createSender({ work: { enqueue: async () => {} }, logger: recordingLogger(lines), queue: "q", maxBuffered: 10 });

/** What relay.ts's `snapshot()` returns, from the same parts. */
function snapshotOf(health: WatchHealth, sender: Sender): RelaySnapshot {
  return {
    watches: health.entries(),
    sender: sender.status(),
    errorCounts: health.errorCounts(),
    relists: 0,
    apiOutage: health.apiOutage(),
    apiStuck: health.apiStuck(),
  };
}

async function metricsOf(snapshot: () => RelaySnapshot): Promise<string> {
  const server = await startHealthServer({ port: 0, host: "127.0.0.1", snapshot, logger: recordingLogger([]) });
  try {
    return await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  } finally {
    await server.close();
  }
}

const levels = (lines: readonly Line[], level: string) => lines.filter((l) => l.level === level);

test(
  "SRV-13 / SRV-1: the API server unreachable past the threshold: one WARN, one ERROR, koreo_relay_stuck{cause=api-unreachable} 1; back: one INFO and the gauge 0",
  { timeout: 60_000 },
  async () => {
    let api = await startApiServer({ port: 0 });
    const port = api.port;
    const lines: Line[] = [];
    const logger = recordingLogger(lines);
    const health = createWatchHealth(logger, Date.now, 1_500);
    const target = { role: "trigger" as const, apiVersion: "v1", kind: "ConfigMap", namespace: "default" };
    const watch = watchKind({
      cluster: createClientNodeCluster(explicitKubeAccess(api.url), { readRetry: { attempts: 1, baseDelayMs: 10 } }),
      ...target,
      onEvent: () => {},
      onStatus: (status) => health.update("cm", target, status),
      logger,
      backoff: { baseMs: 50, capMs: 200, jitterMs: 20, maxErrors: Number.POSITIVE_INFINITY, renewMs: 600_000 },
    });
    const sender = idleSender(lines);
    try {
      await waitFor("the watch", () => (watch.status().phase === "watching" ? true : undefined));
      await api.close();
      await waitFor("the stuck state", () => health.apiStuck().since, 20_000);
      const retries = [...health.errorCounts().values()].reduce((a, b) => a + b, 0);
      assert.ok(retries >= 5, `the watch kept retrying (${retries} attempts)`);
      assert.equal(levels(lines, "WARN").length, 1, `one WARN for the outage, not one per retry: ${JSON.stringify(levels(lines, "WARN"))}`);
      assert.match(levels(lines, "WARN")[0]?.message ?? "", /Lost the Kubernetes API server/);
      assert.equal(levels(lines, "ERROR").length, 1, "one ERROR once it is stuck");
      assert.match(levels(lines, "ERROR")[0]?.message ?? "", /unreachable for .* min/);
      const stuck = await metricsOf(() => snapshotOf(health, sender));
      assert.match(stuck, /^koreo_relay_stuck\{cause="api-unreachable"\} 1$/m);
      assert.match(stuck, /^koreo_relay_stuck_episodes_total\{cause="api-unreachable"\} 1$/m);

      await waitFor("more retries", () => ([...health.errorCounts().values()].reduce((a, b) => a + b, 0) > retries + 3 ? true : undefined));
      assert.equal(levels(lines, "ERROR").length + levels(lines, "WARN").length, 2, "still quiet while stuck");

      api = await startApiServer({ port });
      await waitFor("the watch back", () => (watch.status().phase === "watching" ? true : undefined), 20_000);
      const back = levels(lines, "INFO").filter((l) => /is back/.test(l.message));
      assert.equal(back.length, 1, "one INFO on recovery");
      assert.equal(back[0]?.fields.wasStuck, true);
      const recovered = await metricsOf(() => snapshotOf(health, sender));
      assert.match(recovered, /^koreo_relay_stuck\{cause="api-unreachable"\} 0$/m);
      assert.match(recovered, /^koreo_relay_stuck_episodes_total\{cause="api-unreachable"\} 1$/m);
    } finally {
      watch.stop();
      await watch.done.catch(() => {});
      await api.close();
    }
  },
);

test(
  "SRV-13 / SRV-2: sends to a work queue that does not exist (fauxqs): one ERROR naming it, no WARNs, koreo_relay_stuck{cause=queue-missing} 1; created: one INFO and the gauge 0",
  { timeout: 60_000 },
  async () => {
    const sqs = await startLocalSqs();
    const client = new SQS({ endpoint: sqs.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    const missingUrl = sqs.workUrl.replace(/[^/]+$/, "koreo-missing.fifo");
    const lines: Line[] = [];
    const sender = createSender({
      work: createSqsWorkQueue(client, missingUrl),
      logger: recordingLogger(lines),
      queue: "koreo-missing.fifo",
      maxBuffered: 10,
      retry: quickRetry,
    });
    const health = createWatchHealth(recordingLogger([]));
    try {
      sender.offer([request]);
      await waitFor("a few failed attempts", () => (sender.status().failures >= 5 ? true : undefined), 30_000);
      assert.equal(sender.status().stuck?.cause, "queue-missing");
      assert.equal(levels(lines, "WARN").length, 0, `no WARN stream: ${JSON.stringify(levels(lines, "WARN"))}`);
      assert.equal(levels(lines, "ERROR").length, 1, "one ERROR");
      assert.match(levels(lines, "ERROR")[0]?.message ?? "", /queue koreo-missing\.fifo .*does not exist/);
      const stuck = await metricsOf(() => snapshotOf(health, sender));
      assert.match(stuck, /^koreo_relay_stuck\{cause="queue-missing"\} 1$/m);
      assert.match(stuck, /^koreo_relay_stuck_episodes_total\{cause="queue-missing"\} 1$/m);

      await client.send(new CreateQueueCommand({ QueueName: "koreo-missing.fifo", Attributes: { FifoQueue: "true" } }));
      await sender.idle();
      assert.equal(sender.status().sent, 1);
      assert.equal(levels(lines, "INFO").filter((l) => /succeed again/.test(l.message)).length, 1, "one INFO on recovery");
      assert.equal(levels(lines, "ERROR").length, 1, "and no more ERRORs");
      const recovered = await metricsOf(() => snapshotOf(health, sender));
      assert.match(recovered, /^koreo_relay_stuck\{cause="queue-missing"\} 0$/m);
      assert.match(recovered, /^koreo_relay_stuck_episodes_total\{cause="queue-missing"\} 1$/m);
    } finally {
      await sender.close(Date.now());
      client.destroy();
      await sqs.stop();
    }
  },
);

test("SRV-13: SQS unreachable past the threshold: one WARN, then one ERROR and koreo_relay_stuck{cause=sqs-unreachable} 1", { timeout: 60_000 }, async () => {
  // A port nobody listens on: connection refused, as when SQS (or the VPC endpoint) is unreachable.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const { port } = closed.address() as { port: number };
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const client = new SQS({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "l", secretAccessKey: "l" },
    maxAttempts: 1,
  });
  const lines: Line[] = [];
  const sender = createSender({
    work: createSqsWorkQueue(client, `http://127.0.0.1:${port}/000000000000/koreo-work.fifo`),
    logger: recordingLogger(lines),
    queue: "koreo-work.fifo",
    maxBuffered: 10,
    retry: quickRetry,
    stuckAfterMs: 1_000,
  });
  try {
    sender.offer([request]);
    await waitFor("the stuck state", () => sender.status().stuck, 20_000);
    const failures = sender.status().failures;
    await waitFor("more attempts", () => (sender.status().failures > failures + 3 ? true : undefined), 20_000);
    assert.equal(sender.status().stuck?.cause, "sqs-unreachable");
    assert.equal(levels(lines, "WARN").length, 1, `one WARN for the outage: ${JSON.stringify(levels(lines, "WARN"))}`);
    assert.equal(levels(lines, "ERROR").length, 1, "one ERROR once stuck");
    assert.match(levels(lines, "ERROR")[0]?.message ?? "", /unreachable for .* min/);
    const metrics = await metricsOf(() => snapshotOf(createWatchHealth(recordingLogger([])), sender));
    assert.match(metrics, /^koreo_relay_stuck\{cause="sqs-unreachable"\} 1$/m);
  } finally {
    await sender.close(Date.now());
    client.destroy();
  }
});
