/**
 * Production checklist: the API server goes away for ~3 s and comes back on the same
 * port; the relay (bundle, child process) logs the outage once and the recovery once,
 * watches again within seconds (capped backoff) and forwards the events made after it.
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
import { waitFor } from "../support/e2e.ts";
import { collectUntil, ensureStopped, root, spawnRelay, widget } from "../support/relay.ts";

test("relay: an API server outage of ~3 s: one WARN for the outage, one INFO for the recovery, every watch back and events after the restart reach the queue", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "koreo-relay-api-"));
  const dataDir = join(dir, "data");
  let api = await startApiServer({ dataDir });
  const port = api.port;
  const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url }), { readRetry: { attempts: 1, baseDelayMs: 10 } });
  await applyManifests(
    cluster,
    readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
  );
  const kubeconfig = join(dir, "kubeconfig");
  api.writeKubeconfig(kubeconfig);
  const sqs = await startLocalSqs();
  const relay = spawnRelay({ kubeconfig, queueUrl: sqs.workUrl, sqsEndpoint: sqs.endpoint });
  const allWatching = async () => {
    const reply = await relay.readyz();
    return reply.body.watches.length === 6 && reply.body.watches.every((w) => w.phase === "watching") ? true : undefined;
  };
  try {
    await waitFor("every watch established", allWatching);
    assert.ok((await cluster.apply(widget("before"), { fieldManager: "t" })).ok);
    await collectUntil(sqs.client, sqs.workUrl, "the event before the outage", (seen) => seen.some((r) => r.trigger.name === "before"));

    await api.close();
    await waitFor("the outage WARN", () => relay.logged("WARN", /Lost the Kubernetes API server/));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    api = await startApiServer({ dataDir, port });
    const restarted = Date.now();
    await waitFor("every watch back", allWatching);
    const reconnectMs = Date.now() - restarted;
    const recovered = await waitFor("the recovery INFO", () => relay.logged("INFO", /The Kubernetes API server is back; every watch resumed/));
    t.diagnostic(`every watch back ${reconnectMs} ms after the restart (outage seen by the relay: ${String(recovered.outageMs)} ms)`);

    // A write is not retried by the client; the first may hit a connection to the old server.
    await waitFor("a write to the restarted server", async () => ((await cluster.apply(widget("after"), { fieldManager: "t" })).ok ? true : undefined));
    await collectUntil(sqs.client, sqs.workUrl, "the event after the restart", (seen) => seen.some((r) => r.trigger.name === "after" && r.reason === "event"));
    assert.equal(relay.logs.filter((l) => /Lost the Kubernetes API server/.test(l.message)).length, 1, "the outage is logged once");
    assert.equal(relay.logs.filter((l) => /The Kubernetes API server is back/.test(l.message)).length, 1, "the recovery is logged once");

    // SIGTERM with everything reachable: the buffer is flushed and the process exits 0.
    relay.child.kill("SIGTERM");
    const exit = await waitFor("the exit", () => (relay.child.exitCode !== null ? relay.child.exitCode : undefined), 10_000);
    assert.equal(exit, 0);
    await waitFor("the stop log", () => relay.logged("INFO", /Relay stopped; every request was sent/), 5_000);
  } finally {
    await ensureStopped(relay);
    await sqs.stop();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
