/**
 * Production checklist (the relay bundle in a child process, embedded API server, fauxqs):
 * SQS unavailable while events flow, a queue that does not exist, and SIGTERM with SQS unreachable.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { startLocalSqs } from "../../src/local/sqs.ts";
import type { ReconcileRequest } from "../../src/queue/messages.ts";
import { waitFor } from "../support/e2e.ts";
import { collectUntil, ensureStopped, root, spawnRelay, widget, type RelayProcess } from "../support/relay.ts";

const BOUND = 20;

async function startCluster(dir: string) {
  const api = await startApiServer({ dataDir: join(dir, "data") });
  const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url }), { readRetry: { attempts: 1, baseDelayMs: 10 } });
  await applyManifests(
    cluster,
    readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
  );
  const kubeconfig = join(dir, "kubeconfig");
  api.writeKubeconfig(kubeconfig);
  return { api, cluster, kubeconfig };
}

const widgetNames = (seen: readonly ReconcileRequest[]) => new Set(seen.filter((r) => r.reason === "event").map((r) => r.trigger.name));

/** SIGTERM, then a bounded wait for the exit: undefined when the process outlived the 10 s. */
async function terminate(relay: RelayProcess) {
  const signalled = Date.now();
  relay.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const tooLate = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 10_000)));
  const exit = await Promise.race([relay.exited, tooLate]);
  clearTimeout(timer);
  return exit === undefined ? undefined : { ...exit, afterMs: Date.now() - signalled };
}

test("relay: SQS down while events flow: the buffer stays bounded and /readyz is 503; once SQS is back every trigger reaches the queue (drop-with-relist); SIGTERM with SQS unreachable exits 0 within 10 s", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "koreo-relay-sqs-"));
  const { api, cluster, kubeconfig } = await startCluster(dir);
  let sqs = await startLocalSqs();
  const sqsPort = Number(new URL(sqs.endpoint).port);
  const relay = spawnRelay({ kubeconfig, queueUrl: sqs.workUrl, sqsEndpoint: sqs.endpoint, maxBuffered: BOUND });
  let maxSeen = 0;
  const sample = async () => {
    const reply = await relay.readyz();
    maxSeen = Math.max(maxSeen, reply.body.sender.buffered);
    assert.ok(reply.body.sender.buffered <= BOUND, `buffered ${reply.body.sender.buffered} > ${BOUND}`);
    return reply;
  };
  try {
    await waitFor("the relay to be ready", async () => ((await sample()).status === 200 ? true : undefined));
    assert.ok((await cluster.apply(widget("w-0"), { fieldManager: "t" })).ok);
    await collectUntil(sqs.client, sqs.workUrl, "w-0's event", (seen) => widgetNames(seen).has("w-0"));

    await sqs.stop();
    for (let i = 1; i <= 3 * BOUND; i++) {
      assert.ok((await cluster.apply(widget(`w-${i}`), { fieldManager: "t" })).ok);
      if (i % 5 === 0) await sample();
    }
    const full = await waitFor("/readyz 503 with dropped requests", async () => {
      const reply = await sample();
      return reply.status === 503 && reply.body.sender.overflowed > 0 ? reply : undefined;
    });
    assert.equal(full.body.ready, false);
    assert.ok(
      full.body.problems.some((p) => p.startsWith("sends failing")),
      full.body.problems.join("; "),
    );
    assert.ok(relay.logged("WARN", /Cannot reach SQS to send to queue koreo-work\.fifo/), "a WARN names the queue");
    assert.match(await relay.metrics(), /^koreo_relay_overflowed_total [1-9]/m);

    // SQS is back (same endpoint, empty queues): the buffer drains, the dropped kinds are re-listed, nothing is missing.
    sqs = await startLocalSqs({ port: sqsPort });
    const seen = await collectUntil(sqs.client, sqs.workUrl, "every widget after the outage", (s) => widgetNames(s).size === 3 * BOUND, 60_000);
    assert.equal(widgetNames(seen).size, 3 * BOUND);
    await waitFor("ready again", async () => ((await sample()).status === 200 ? true : undefined));
    assert.ok(relay.logged("INFO", /Sends to queue koreo-work\.fifo succeed again/));
    t.diagnostic(`most requests buffered at once: ${maxSeen} (bound ${BOUND})`);

    // SIGTERM while SQS is unreachable and requests wait in the buffer.
    await sqs.stop();
    for (let i = 100; i < 105; i++) assert.ok((await cluster.apply(widget(`w-${i}`), { fieldManager: "t" })).ok);
    await waitFor("sends failing", async () => ((await sample()).body.sender.failing ? true : undefined));
    const exit = await terminate(relay);
    assert.ok(exit !== undefined, "the relay exited within 10 s of SIGTERM");
    assert.equal(exit.code, 0);
    t.diagnostic(`exited ${exit.afterMs} ms after SIGTERM`);
    assert.ok(relay.logged("WARN", /Stopped with \d+ requests unsent/));
  } finally {
    await ensureStopped(relay);
    await sqs.stop().catch(() => {});
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("relay: a work queue that does not exist: an ERROR names the queue and the cause, /readyz is 503, SIGTERM exits 0 within 10 s", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "koreo-relay-noqueue-"));
  const { api, cluster, kubeconfig } = await startCluster(dir);
  const sqs = await startLocalSqs();
  const missing = sqs.workUrl.replace("koreo-work.fifo", "koreo-missing.fifo");
  const relay = spawnRelay({ kubeconfig, queueUrl: missing, sqsEndpoint: sqs.endpoint });
  try {
    assert.ok((await cluster.apply(widget("w-1"), { fieldManager: "t" })).ok);
    const error = await waitFor("an ERROR naming the queue", () => relay.logged("ERROR", /SQS rejected sends to queue koreo-missing\.fifo/));
    assert.equal(error.code, "QueueDoesNotExist");
    const reply = await relay.readyz();
    assert.equal(reply.status, 503);
    const exit = await terminate(relay);
    assert.ok(exit !== undefined, "the relay exited within 10 s of SIGTERM");
    assert.equal(exit.code, 0);
    t.diagnostic(`exited ${exit.afterMs} ms after SIGTERM`);
  } finally {
    await ensureStopped(relay);
    await sqs.stop();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
