/**
 * What a reconcile costs on the wire (SRV-12, README "Performance"): the runtime
 * talks to the embedded API server over HTTP through a counting proxy. A resync
 * that finds nothing to change sends exactly one GET of the trigger, one GET per
 * managed object and no write; an event for an unchanged trigger is dropped after
 * one GET; a change that touches no managed object costs one write, the gate
 * record's new hash; a pass that changes the status writes the trigger once, the
 * record riding on the status patch. The trigger's Workflow (test/e2e/fixtures/widget-program.yaml)
 * runs a ValueFunction and a ResourceFunction managing one ConfigMap.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { explicitKubeAccess } from "../../src/cluster/adapters/kube-access.ts";
import type { KubeObject, WatchableClusterApi } from "../../src/cluster/cluster-api.ts";
import { configFromEnv } from "../../src/config/config.ts";
import { composeRuntime, type Runtime } from "../../src/lambda/composition-root.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { startLocalSqs, type LocalSqs } from "../../src/local/sqs.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import type { TimerQueue } from "../../src/queue/queue.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { noMetrics } from "../../src/ports/metrics.ts";
import { triggerRefOf, type ReconcileRequest, type TriggerRef } from "../../src/queue/messages.ts";
import { changeHash } from "../../src/reconciler/change-hash.ts";
import { startCountingProxy, type CountingProxy, type ProxiedRequest } from "../support/counting-proxy.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const NS = "koreo-e2e";
const WIDGETS = `/apis/e2e.koreo.dev/v1/namespaces/${NS}/widgets/`;
const CONFIG_MAPS = `/api/v1/namespaces/${NS}/configmaps/`;

/** "GET widget", "PATCH configmap", … : what the proxy saw, by verb and what it touched. */
function described(requests: readonly ProxiedRequest[]): string[] {
  return requests.map((r) => {
    const what = r.path.startsWith(WIDGETS) ? "widget" : r.path.startsWith(CONFIG_MAPS) ? "configmap" : `${r.path}${r.query}`;
    return `${r.method} ${what}`;
  });
}

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) assert.fail(result.error.message);
  return result.value;
}

describe("API calls per reconcile, over HTTP", () => {
  let api: RunningApiServer;
  let proxy: CountingProxy;
  let sqs: LocalSqs;
  let direct: WatchableClusterApi;
  let runtime: Runtime;
  const clock = fixedClock(Date.now());
  /** Every timer the runtime arms (it still goes to the SQS timer queue). */
  const armed: ReconcileRequest[] = [];
  const recording = (timers: TimerQueue): TimerQueue => ({
    schedule: async (request, delaySeconds) => {
      armed.push(request);
      await timers.schedule(request, delaySeconds);
    },
  });

  before(async () => {
    api = await startApiServer({ port: 0 });
    proxy = await startCountingProxy(api.url);
    sqs = await startLocalSqs();
    direct = createClientNodeCluster(explicitKubeAccess(api.url));
    must(await direct.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, { fieldManager: "test" }));
    await applyManifests(
      direct,
      readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
    );
    const env = {
      KOREO_NAMESPACE: NS,
      RESOURCE_NAMESPACE: NS,
      // A warm container within its definitions TTL: the measured pass must not re-list definitions.
      KOREO_DEFINITIONS_TTL_SECONDS: "3600",
      SQS_ENDPOINT: sqs.endpoint,
      KOREO_WORK_QUEUE_URL: sqs.workUrl,
      KOREO_TIMER_QUEUE_URL: sqs.timerUrl,
    };
    runtime = composeRuntime({
      config: configFromEnv(env),
      cluster: createClientNodeCluster(explicitKubeAccess(proxy.url)),
      sqs: sqs.client,
      clock,
      logger: silentLogger,
      metrics: noMetrics,
      wrapTimers: recording,
    });
  });

  after(async () => {
    await sqs?.stop();
    await proxy?.close();
    await api?.close();
  });

  async function createWidget(name: string): Promise<TriggerRef> {
    const widget = { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name, namespace: NS }, spec: { value: "v" } };
    const ref = triggerRefOf(must(await direct.apply(widget, { fieldManager: "test", force: true })));
    assert.ok(ref);
    return ref;
  }

  async function current(ref: TriggerRef): Promise<KubeObject> {
    return must(await direct.get({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: NS }));
  }

  /** Creates the ConfigMap, then forces passes until one writes nothing (the steady state), at most 5. */
  async function settle(ref: TriggerRef): Promise<void> {
    await runtime.reconcile({ trigger: ref, reason: "event", hash: changeHash(await current(ref)) });
    for (let i = 0; i < 5; i++) {
      proxy.reset();
      await runtime.reconcile({ trigger: ref, reason: "force", nonce: `settle-${i}` });
      if (proxy.requests.every((r) => r.method === "GET")) return;
    }
  }

  async function settled(name: string): Promise<TriggerRef> {
    const ref = await createWidget(name);
    await settle(ref);
    assert.deepEqual(
      must(await direct.get({ apiVersion: "v1", kind: "ConfigMap", name: `${name}-cm`, namespace: NS })).data,
      { value: "v" },
      "the first pass created the managed ConfigMap",
    );
    return ref;
  }

  it("ST-1 / CTL-12: a pass that changes the status writes the trigger once: the status and the gate record in one patch", async () => {
    const ref = await createWidget("first");
    proxy.reset();
    const handled = await runtime.reconcile({ trigger: ref, reason: "event", hash: changeHash(await current(ref)) });
    assert.equal(handled.status, "ran");
    const triggerWrites = proxy.requests.filter((r) => r.method !== "GET" && r.path.includes("/widgets/"));
    assert.equal(triggerWrites.length, 1, triggerWrites.map((r) => `${r.method} ${r.path}: ${r.body}`).join("\n"));
    const written = JSON.parse(triggerWrites[0]?.body ?? "{}") as { metadata?: { annotations?: Record<string, string> }; status?: unknown };
    assert.ok(written.status !== undefined, "the status");
    assert.ok(written.metadata?.annotations?.["koreo.dev/reconcile-state"] !== undefined, "the record");
    const stored = await current(ref);
    assert.match(String((stored.metadata as { annotations: Record<string, string> }).annotations["koreo.dev/reconcile-state"]), /"hash":/);
  });

  it("SRV-12: a due resync of an unchanged trigger: 1 GET of the trigger + 1 GET per managed object, 0 writes", async () => {
    const ref = await settled("quiet");
    const timer = armed.filter((r) => r.trigger.uid === ref.uid).at(-1);
    assert.ok(timer?.dueAt !== undefined, "the settled pass armed its resync");
    clock.advance(timer.dueAt - clock.now());
    proxy.reset();
    const handled = await runtime.reconcile(timer);
    assert.equal(handled.status, "ran", "the resync is due");
    const writes = proxy.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}: ${r.body}`);
    assert.deepEqual(described(proxy.requests), ["GET widget", "GET configmap"], `writes: ${writes.join("\n") || "none"}`);
  });

  it("SRV-12 / CTL-10: an event for an unchanged trigger is dropped after 1 GET of the trigger, 0 writes", async () => {
    const ref = await settled("still");
    proxy.reset();
    const handled = await runtime.reconcile({ trigger: ref, reason: "event", hash: changeHash(await current(ref)) });
    assert.deepEqual(handled, { status: "dropped", why: "unchanged" });
    assert.deepEqual(described(proxy.requests), ["GET widget"]);
  });

  it("CTL-12: a change that touches no managed object costs one write, the gate record's new hash", async () => {
    const ref = await settled("labelled");
    // A label is part of the change hash but not of the ConfigMap: the run proceeds and has nothing to do.
    must(await direct.mergePatch({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: NS }, { metadata: { labels: { note: "x" } } }));
    proxy.reset();
    const handled = await runtime.reconcile({ trigger: ref, reason: "event", hash: changeHash(await current(ref)) });
    assert.equal(handled.status, "ran", "a new hash passes the gate");
    assert.deepEqual(described(proxy.requests), ["GET widget", "GET configmap", "PATCH widget"]);
    assert.match(proxy.requests[2]?.body ?? "", /^\{"metadata":\{"annotations":\{"koreo.dev\/reconcile-state":/, "only the record");
  });
});
