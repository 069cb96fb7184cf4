/** The relay against the embedded API server over HTTP, with a recording work queue (and fauxqs for the send buffer). */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";
import { createRecordingWorkQueue } from "../../src/queue/adapters/in-memory.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { startRelay } from "../../src/relay/relay.ts";
import { createHashFilter } from "../../src/relay/filter.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { isMap } from "../../src/value/value.ts";
import { waitFor } from "../support/e2e.ts";
import { DeleteMessageCommand, ReceiveMessageCommand, SQS } from "@aws-sdk/client-sqs";
import { startLocalSqs, type LocalSqs } from "../../src/local/sqs.ts";
import { createSqsWorkQueue } from "../../src/queue/adapters/sqs.ts";
import { decodeRequest, type ReconcileRequest } from "../../src/queue/messages.ts";

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
    assert.ok(
      (
        await cluster.mergePatch(
          { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "w1", namespace: NS },
          { metadata: { annotations: { "koreo.dev/reconcile-state": "{}" } } },
        )
      ).ok,
    );
    assert.ok((await cluster.mergePatch({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "w1", namespace: NS }, { spec: { value: "b" } })).ok);
    await waitFor("the spec change", () => (events() === after1 + 1 ? true : undefined));
    assert.equal(events(), after1 + 1, "the status and gate-record writes were dropped");

    // SRV-9: a definition change fans out a `definitions` request per known trigger.
    assert.ok(
      (
        await cluster.mergePatch(
          { apiVersion: "koreo.dev/v1beta1", kind: "ValueFunction", name: "widget-gate", namespace: NS },
          { spec: { return: { value: "=inputs.spec.value + '!'" } } },
        )
      ).ok,
    );
    await waitFor("the fan-out", () => work.sent.find((r) => r.reason === "definitions" && r.trigger.name === "w1"));

    // CRD-4 / SRV-3: a definition's status write (same generation) does not fan out; the next spec change does, once.
    const fanOuts = () => work.sent.filter((r) => r.reason === "definitions" && r.trigger.name === "w1").length;
    const before = fanOuts();
    const gate = { apiVersion: "koreo.dev/v1beta1", kind: "ValueFunction", name: "widget-gate", namespace: NS };
    const status = await cluster.mergePatch(
      gate,
      { status: { conditions: [{ type: "Ready", status: "True", reason: "Prepared" }] } },
      { subresource: "status" },
    );
    assert.ok(status.ok, status.ok ? "" : status.error.message);
    const changed = await cluster.mergePatch(gate, { spec: { return: { value: "=inputs.spec.value + '?'" } } });
    assert.ok(changed.ok && isMap(changed.value.metadata));
    const nonce = `ValueFunction/widget-gate@generation:${String(changed.value.metadata.generation)}`;
    await waitFor("the spec change's fan-out", () => work.sent.find((r) => r.reason === "definitions" && r.nonce === nonce));
    assert.equal(fanOuts(), before + 1, "the status write was not fanned out");

    // CTL-7 / CTL-4: the API server goes away and comes back; the relay retries with backoff and resumes or re-lists.
    await api.close();
    api = await startApiServer({ dataDir, port });
    // A write is not retried by the client; the first one may hit a connection to the old server.
    await waitFor("a write to the restarted server", async () =>
      (await cluster.mergePatch({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "w1", namespace: NS }, { spec: { value: "c" } })).ok ? true : undefined,
    );
    await waitFor("the change made after the restart", () => work.sent.find((r) => r.trigger.name === "w1" && r.reason === "event" && events() >= after1 + 2));

    // CTL-5: deleting the Workflow stops the trigger watch.
    assert.ok((await cluster.delete({ apiVersion: "koreo.dev/v1beta1", kind: "Workflow", name: "widget", namespace: NS })).ok);
    await waitFor("the watch to stop", () => (relay.watchedKinds().length === 0 ? true : undefined));
  } finally {
    await relay.stop();
    await api.close();
  }
});

test("CTL-5: a 410 re-list of Workflows replaces the bindings: a Workflow deleted while the relay was disconnected stops its trigger watch, one created meanwhile starts one", async () => {
  const dir = mkdtempSync(join(tmpdir(), "koreo-relay-relist-"));
  let api = await startApiServer({ dataDir: dir });
  const port = api.port;
  const { cluster, relay } = await setup(api);
  try {
    const gadgetCrd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "gadgets.e2e.koreo.dev" },
      spec: {
        group: "e2e.koreo.dev",
        scope: "Namespaced",
        names: { kind: "Gadget", plural: "gadgets", singular: "gadget" },
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
      },
    };
    await applyManifests(cluster, [...readManifests([`${root}test/e2e/fixtures/widget-program.yaml`]), gadgetCrd]);
    await waitFor("a watch on Widget", () => (relay.watchedKinds().some((k) => k.includes(":Widget|")) ? true : undefined));

    // The relay loses its API server; meanwhile (through another server on the same data) the Widget
    // Workflow is deleted and a Gadget one created. The relay sees none of these events.
    await api.close();
    const aside = await startApiServer({ dataDir: dir });
    const asideCluster = createClientNodeCluster(loadKubeConfig({ server: aside.url }));
    assert.ok((await asideCluster.delete({ apiVersion: "koreo.dev/v1beta1", kind: "Workflow", name: "widget", namespace: NS })).ok);
    const gadgetWorkflow = {
      apiVersion: "koreo.dev/v1beta1",
      kind: "Workflow",
      metadata: { name: "gadget", namespace: NS },
      spec: {
        crdRef: { apiGroup: "e2e.koreo.dev", version: "v1", kind: "Gadget" },
        steps: [{ label: "gate", ref: { kind: "ValueFunction", name: "widget-gate" }, inputs: { spec: "=parent.spec" } }],
      },
    };
    const created = await asideCluster.apply(gadgetWorkflow, { fieldManager: "t" });
    assert.ok(created.ok, created.ok ? "" : created.error.message);
    await aside.close();

    // Back on the relay's address: its resourceVersion is unknown to the new server's event history (410), so it re-lists.
    api = await startApiServer({ dataDir: dir, port, eventHistory: 5 });
    await waitFor("the re-list to replace the bindings", () => {
      const kinds = relay.watchedKinds();
      return kinds.some((k) => k.includes(":Gadget|")) && !kinds.some((k) => k.includes(":Widget|")) ? true : undefined;
    });
    assert.deepEqual(relay.watchedKinds(), [`e2e.koreo.dev/v1:Gadget|${NS}`]);
  } finally {
    await relay.stop();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
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

test("CTL-5 / SRV-1 with `*`: one cluster-wide watch per bound kind sees triggers in any namespace; a Workflow deleted anywhere unbinds", async () => {
  const api = await startApiServer({});
  const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url }), { readRetry: { attempts: 1, baseDelayMs: 10 } });
  await applyManifests(
    cluster,
    readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
  );
  const work = createRecordingWorkQueue();
  const relay = startRelay({ cluster, work, logger: silentLogger, koreoNamespaces: ["*"], templateNamespaces: ["*"], resourceNamespaces: ["*"], backoff });
  try {
    await waitFor("a cluster-wide watch on Widget", () => (relay.watchedKinds().join() === "e2e.koreo.dev/v1:Widget|" ? true : undefined));
    for (const namespace of ["anywhere", "elsewhere"]) {
      await applyManifests(cluster, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }]);
      assert.ok((await cluster.apply({ ...widget("w", { value: "a" }), metadata: { name: "w", namespace } }, { fieldManager: "t" })).ok);
      await waitFor(`the event from ${namespace}`, () => work.sent.find((r) => r.trigger.namespace === namespace && r.reason === "event"));
    }
    assert.ok((await cluster.delete({ apiVersion: "koreo.dev/v1beta1", kind: "Workflow", name: "widget", namespace: NS })).ok);
    await waitFor("the watch to stop", () => (relay.watchedKinds().length === 0 ? true : undefined));
  } finally {
    await relay.stop();
    await api.close();
  }
});

test("SRV-9 / SRV-1 drop-with-relist: a definitions fan-out larger than the send buffer, with SQS down, still reaches every trigger once SQS is back", async () => {
  const api = await startApiServer({});
  const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url }), { readRetry: { attempts: 1, baseDelayMs: 10 } });
  await applyManifests(
    cluster,
    readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
  );
  let sqs = await startLocalSqs();
  const port = Number(new URL(sqs.endpoint).port);
  const client = new SQS({
    endpoint: sqs.endpoint,
    region: "us-east-1",
    maxAttempts: 1,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const work = createSqsWorkQueue(client, sqs.workUrl);
  const sendRetry = { baseMs: 50, capMs: 300, jitterMs: 10 };
  const relay = startRelay({
    cluster,
    work,
    logger: silentLogger,
    koreoNamespaces: [NS],
    templateNamespaces: [NS],
    resourceNamespaces: [NS],
    backoff,
    maxBuffered: 5,
    sendRetry,
  });
  const names = Array.from({ length: 20 }, (_, i) => `fan-${i}`);
  try {
    await waitFor("a watch on Widget", () => (relay.watchedKinds().length === 1 ? true : undefined));
    for (const name of names) assert.ok((await cluster.apply(widget(name, { value: "a" }), { fieldManager: "t" })).ok);
    await waitFor("every ADDED sent", () => (relay.snapshot().sender.sent >= names.length && relay.snapshot().sender.buffered === 0 ? true : undefined));
    await drain(sqs, client);

    await sqs.stop();
    const gate = { apiVersion: "koreo.dev/v1beta1", kind: "ValueFunction", name: "widget-gate", namespace: NS };
    assert.ok((await cluster.mergePatch(gate, { spec: { return: { value: "=inputs.spec.value + '!'" } } })).ok);
    await waitFor("the fan-out to overflow", () => (relay.snapshot().sender.overflowed >= names.length - 5 ? true : undefined));
    assert.equal(relay.snapshot().sender.buffered, 5, "the buffer holds its bound, no more");

    sqs = await startLocalSqs({ port });
    const reached = new Set<string>();
    await waitFor(
      "a request for every trigger",
      async () => {
        for (const request of await drain(sqs, client)) reached.add(request.trigger.name);
        return names.every((n) => reached.has(n)) ? true : undefined;
      },
      30_000,
    );
    assert.ok(relay.snapshot().relists >= 1, "the dropped kind was re-listed");
  } finally {
    await relay.stop();
    client.destroy();
    await sqs.stop();
    await api.close();
  }
});

async function drain(sqs: LocalSqs, client: SQS): Promise<ReconcileRequest[]> {
  const out: ReconcileRequest[] = [];
  for (;;) {
    const received = await client.send(new ReceiveMessageCommand({ QueueUrl: sqs.workUrl, MaxNumberOfMessages: 10 }));
    if ((received.Messages ?? []).length === 0) return out;
    for (const message of received.Messages ?? []) {
      const decoded = decodeRequest(message.Body ?? "");
      if (decoded.ok) out.push(decoded.request);
      await client.send(new DeleteMessageCommand({ QueueUrl: sqs.workUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}
