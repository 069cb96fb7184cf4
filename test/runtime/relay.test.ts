/** The relay against the embedded API server over HTTP, with a recording work queue. */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { loadKubeConfig } from "../../src/cluster/kubeconfig.ts";
import { createRecordingWorkQueue } from "../../src/queue/adapters/in-memory.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { startRelay } from "../../src/relay/relay.ts";
import { createHashFilter } from "../../src/relay/filter.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { waitFor } from "../e2e/support.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const NS = "koreo-e2e";
const backoff = { baseMs: 100, capMs: 500, jitterMs: 50, maxErrors: 50, renewMs: 60_000 };
const dataDir = mkdtempSync(join(tmpdir(), "koreo-relay-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function setup(api: RunningApiServer) {
  const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url }), { readRetry: { attempts: 1, baseDelayMs: 10 } });
  await applyManifests(cluster, readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`]));
  const work = createRecordingWorkQueue();
  const relay = startRelay({ cluster, work, logger: silentLogger, koreoNamespaces: [NS], templateNamespaces: [NS], resourceNamespaces: [NS], backoff });
  return { cluster, work, relay };
}

const widget = (name: string, spec: Record<string, string>) => ({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name, namespace: NS }, spec });

test("CTL-5 / CTL-6 / SRV-1 / CTL-7 / CTL-8 / SRV-9: the relay follows Workflow bindings, forwards spec changes only, fans out definition changes, and resumes after an API server restart", async () => {
  let api = await startApiServer({ dataDir });
  const port = api.port;
  const { cluster, work, relay } = await setup(api);
  try {
    assert.deepEqual(relay.watchedKinds(), []);
    await applyManifests(cluster, readManifests([`${root}test/e2e/fixtures/widget-program.yaml`]));
    await waitFor("a watch on Widget", () => (relay.watchedKinds().length === 1 ? true : undefined));

    assert.ok((await cluster.apply(widget("w1", { value: "a" }), { fieldManager: "t" })).ok);
    await waitFor("the ADDED event", () => work.sent.find((r) => r.trigger.name === "w1" && r.reason === "event"));
    const events = () => work.sent.filter((r) => r.trigger.name === "w1" && r.reason === "event").length;
    const after1 = events();

    // CTL-8: a status-only write (like Koreo's own) is not forwarded; a spec change is.
    const statusPatch = await cluster.mergePatch({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "w1", namespace: NS }, { status: { seen: true } });
    assert.ok(statusPatch.ok, statusPatch.ok ? "" : statusPatch.error.message);
    assert.ok((await cluster.mergePatch({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "w1", namespace: NS }, { metadata: { annotations: { "koreo.dev/reconcile-state": "{}" } } })).ok);
    assert.ok((await cluster.mergePatch({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "w1", namespace: NS }, { spec: { value: "b" } })).ok);
    await waitFor("the spec change", () => (events() === after1 + 1 ? true : undefined));
    assert.equal(events(), after1 + 1, "the status and gate-record writes were dropped");

    // SRV-9: a definition change fans out a `definitions` request per known trigger.
    assert.ok((await cluster.mergePatch({ apiVersion: "koreo.dev/v1beta1", kind: "ValueFunction", name: "widget-gate", namespace: NS }, { spec: { return: { value: "=inputs.spec.value + '!'" } } })).ok);
    await waitFor("the fan-out", () => work.sent.find((r) => r.reason === "definitions" && r.trigger.name === "w1"));

    // CTL-7 / CTL-4: the API server goes away and comes back; the relay retries with backoff and resumes or re-lists.
    await api.close();
    api = await startApiServer({ dataDir, port });
    // A write is not retried by the client; the first one may hit a connection to the old server.
    await waitFor("a write to the restarted server", async () => ((await cluster.mergePatch({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "w1", namespace: NS }, { spec: { value: "c" } })).ok ? true : undefined));
    await waitFor("the change made after the restart", () => work.sent.find((r) => r.trigger.name === "w1" && r.reason === "event" && events() >= after1 + 2));

    // CTL-5: deleting the Workflow stops the trigger watch.
    assert.ok((await cluster.delete({ apiVersion: "koreo.dev/v1beta1", kind: "Workflow", name: "widget", namespace: NS })).ok);
    await waitFor("the watch to stop", () => (relay.watchedKinds().length === 0 ? true : undefined));
  } finally {
    await relay.stop();
    await api.close();
  }
});

test("SRV-1: the hash filter forwards DELETED always and drops repeats per uid", () => {
  const filter = createHashFilter();
  const obj = { metadata: { uid: "u" } };
  assert.equal(filter.admit({ type: "ADDED", object: obj }, "h"), true);
  assert.equal(filter.admit({ type: "MODIFIED", object: obj }, "h"), false);
  assert.equal(filter.admit({ type: "MODIFIED", object: obj }, "h2"), true);
  assert.equal(filter.admit({ type: "DELETED", object: obj }, "h2"), true);
  assert.equal(filter.admit({ type: "ADDED", object: obj }, "h2"), true, "forgotten after DELETED");
});
