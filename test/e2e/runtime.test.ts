/**
 * The serverless runtime end to end, over real HTTP (embedded API server,
 * webhook) and real SQS (fauxqs): relay → FIFO → handlers → timers.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startLocalStack, type LocalStack } from "../../src/local/stack.ts";
import { changeHash } from "../../src/reconciler/change-hash.ts";
import { readRecord } from "../../src/reconciler/record.ts";
import { createSqsWorkQueue } from "../../src/queue/adapters/sqs.ts";
import { sign } from "../../src/webhook/auth.ts";
import { isMap, type Value } from "../../src/value/value.ts";
import { createRunProbe, waitFor } from "../support/e2e.ts";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const NS = "koreo-e2e";
const UNWATCHED = "koreo-e2e-unwatched";
const probe = createRunProbe();
const debugLogger: import("../../src/ports/logger.ts").Logger = {
  debug: (m, f) => console.error("D", m, JSON.stringify(f)),
  info: (m, f) => console.error("I", m, JSON.stringify(f)),
  warn: (m, f) => console.error("W", m, JSON.stringify(f)),
  error: (m, f) => console.error("E", m, JSON.stringify(f)),
  child: () => debugLogger,
};
let stack: LocalStack;

const widget = (name: string) => ({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name, namespace: NS });
const configMap = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", name: `${name}-cm`, namespace: NS });

before(async () => {
  stack = await startLocalStack({
    handlers: 2,
    manifests: [`${fixtures}widget-crd.yaml`, `${fixtures}widget-program.yaml`],
    env: { KOREO_NAMESPACE: NS, RESOURCE_NAMESPACE: NS, KOREO_RESYNC_SECONDS: "3600", KOREO_DEFINITIONS_TTL_SECONDS: "1" },
    wrapRun: (run) => probe.wrap(run),
    visibilityTimeoutSeconds: 5,
    ...(process.env.E2E_DEBUG ? { logger: debugLogger } : {}),
  });
});
after(async () => stack?.stop());

async function get(ref: { apiVersion: string; kind: string; name: string; namespace: string }) {
  const got = await stack.cluster.get(ref);
  return got.ok ? got.value : undefined;
}

async function uidOf(name: string): Promise<string> {
  const obj = await waitFor(`${name} to exist`, () => get(widget(name)));
  const meta = obj.metadata;
  assert.ok(isMap(meta) && typeof meta.uid === "string");
  return meta.uid;
}

const dataOf = (cm: Value | undefined) => (isMap(cm) && isMap(cm.data) ? cm.data : {});

async function applyWidget(name: string, spec: Record<string, Value>) {
  const applied = await stack.cluster.apply(
    { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name, namespace: NS }, spec },
    { fieldManager: "e2e", force: true },
  );
  assert.ok(applied.ok, JSON.stringify(!applied.ok && applied.error));
}

test("CTL-1 / CTL-5 / SRV-1 / SRV-2 / SRV-14: a trigger applied to the cluster is reconciled: managed object created, parent conditions and state written", async () => {
  await waitFor("the relay to watch Widget", () => stack.relay.watchedKinds().some((k) => k.includes("Widget")) || undefined);
  await applyWidget("alpha", { value: "one" });
  const cm = await waitFor("alpha's ConfigMap", () => get(configMap("alpha")));
  assert.equal(dataOf(cm).value, "one");
  const parent = await waitFor("alpha's status", async () => {
    const w = await get(widget("alpha"));
    return isMap(w?.status) && isMap(w.status.state) && w.status.state.configMap !== undefined ? w : undefined;
  });
  assert.ok(isMap(parent.status));
  assert.deepEqual((parent.status as { state: Value }).state, { configMap: "alpha-cm" });
  assert.ok(Array.isArray((parent.status as { conditions?: Value }).conditions), "step conditions are written");
});

test("CTL-7 / CTL-8 / SRV-12: updating the trigger propagates; Koreo's own writes do not loop", async () => {
  await applyWidget("alpha", { value: "two" });
  await waitFor("alpha's ConfigMap to follow", async () => (dataOf(await get(configMap("alpha"))).value === "two" ? true : undefined));
  await settled("alpha");
  const uid = await uidOf("alpha");
  const runs = probe.runs(uid);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(probe.runs(uid), runs, "no further runs once converged (status writes are filtered)");
});

test("CTL-10 / CTL-14 / SRV-5: a Retry re-runs after its delay through the timer queue", async () => {
  await applyWidget("alpha", { value: "three", wait: true });
  const uid = await uidOf("alpha");
  const start = probe.runs(uid);
  await waitFor("two Retry re-runs", () => (probe.runs(uid) >= start + 3 ? true : undefined));
  await applyWidget("alpha", { value: "three", wait: false });
  await waitFor("alpha to converge after the wait", async () => (dataOf(await get(configMap("alpha"))).value === "three" ? true : undefined));
});

test("CTL-3 / CTL-4 / SRV-8 / SRV-9: changing a function hot-reloads it in warm handlers and re-runs its triggers", async () => {
  const rf = await get({ apiVersion: "koreo.dev/v1beta1", kind: "ResourceFunction", name: "widget-config-map", namespace: NS });
  assert.ok(rf !== undefined && isMap(rf.spec) && isMap(rf.spec.resource));
  const patched = await stack.cluster.mergePatch(
    { apiVersion: "koreo.dev/v1beta1", kind: "ResourceFunction", name: "widget-config-map", namespace: NS },
    { spec: { resource: { data: { value: "=inputs.value", edition: "v2" } } } },
  );
  assert.ok(patched.ok);
  await waitFor("alpha's ConfigMap to show the new function", async () => (dataOf(await get(configMap("alpha"))).edition === "v2" ? true : undefined));
});

test("SRV-10: webhook reconcile-now (bearer and HMAC), dry-run with writes suppressed, health, 400/401/404/413", async () => {
  const path = `/reconcile/e2e.koreo.dev/v1/Widget/${NS}/alpha`;
  const unauth = await fetch(`${stack.webhookUrl}${path}`, { method: "POST" });
  assert.equal(unauth.status, 401);
  assert.equal(((await unauth.json()) as { error: string }).error.startsWith("unauthenticated"), true);
  const uid = await uidOf("alpha");
  const before = probe.runs(uid);
  const ok = await fetch(`${stack.webhookUrl}${path}`, { method: "POST", headers: { authorization: `Bearer ${stack.secret}` } });
  assert.equal(ok.status, 202);
  await waitFor("the forced run", () => (probe.runs(uid) > before ? true : undefined));
  const body = "{}";
  const afterBearer = probe.runs(uid);
  const signed = await fetch(`${stack.webhookUrl}${path}`, { method: "POST", body, headers: { "x-koreo-signature": `sha256=${sign(stack.secret, body)}` } });
  assert.equal(signed.status, 202);
  // Waited for, so its run cannot land inside the dry-run's "no run" window below.
  await waitFor("the signed forced run", () => (probe.runs(uid) > afterBearer ? true : undefined));
  const badSig = await fetch(`${stack.webhookUrl}${path}`, { method: "POST", body, headers: { "x-koreo-signature": `sha256=${sign("wrong", body)}` } });
  assert.equal(badSig.status, 401);
  const missing = await fetch(`${stack.webhookUrl}/reconcile/e2e.koreo.dev/v1/Widget/${NS}/nope`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.secret}` },
  });
  assert.equal(missing.status, 404);
  const bad = await fetch(`${stack.webhookUrl}/reconcile/e2e.koreo.dev/v1/Widget/${NS}/Bad_Name`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.secret}` },
  });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /invalid name/);
  const health = await fetch(`${stack.webhookUrl}/healthz`);
  assert.equal(health.status, 200);
  const big = await fetch(`${stack.webhookUrl}${path}`, { method: "POST", body: "x".repeat(70_000), headers: { authorization: `Bearer ${stack.secret}` } });
  assert.equal(big.status, 413);
  const betaUid = await applyUnwatched("beta");
  const dry = await fetch(`${stack.webhookUrl}/dry-run/e2e.koreo.dev/v1/Widget/${UNWATCHED}/beta`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.secret}` },
  });
  assert.equal(dry.status, 200);
  const result = (await dry.json()) as { report: { steps: { label: string; outcome: string }[] }; writes: { verb: string; ref: { kind: string } }[] };
  assert.deepEqual(result.report.steps.map((s) => s.label).sort(), ["config_map", "gate"]);
  assert.ok(
    result.writes.some((w) => (w.verb === "create" || w.verb === "apply") && w.ref.kind === "ConfigMap"),
    "the would-be ConfigMap is reported",
  );
  assert.equal(await get({ ...configMap("beta"), namespace: UNWATCHED }), undefined, "dry-run wrote nothing");
  // The dry-run's trigger: the real (instrumented) run never ran for it. Counting alpha's runs here
  // raced with alpha's own timers and fan-outs.
  assert.equal(probe.runs(betaUid), 0, "the dry-run did not run the real reconcile");
});

/** A Widget in a namespace the relay does not watch: only the webhook's dry-run touches it. */
async function applyUnwatched(name: string): Promise<string> {
  assert.ok((await stack.cluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: UNWATCHED } }, { fieldManager: "e2e" })).ok);
  const applied = await stack.cluster.apply(
    { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name, namespace: UNWATCHED }, spec: { value: "b" } },
    { fieldManager: "e2e", force: true },
  );
  assert.ok(applied.ok && isMap(applied.value.metadata) && typeof applied.value.metadata.uid === "string");
  return applied.value.metadata.uid;
}

/** Waits until the trigger's last run ended Ok (its Retry chain, if any, is over). */
/**
 * Ok for the trigger as it is now: the record must name the current change hash too, or
 * the previous convergence's Ok (written before this change's first run recorded
 * anything) would pass while a Retry of the new run is still pending.
 */
async function settled(name: string) {
  await waitFor(`${name} to settle on Ok`, async () => {
    const w = await get(widget(name));
    const record = w === undefined ? undefined : readRecord(w);
    return w !== undefined && record?.outcome === "Ok" && record.hash === changeHash(w) ? true : undefined;
  });
}

test("SRV-2 / CTL-10: duplicate and out-of-order events collapse; the handler reads the latest state", async () => {
  const uid = await uidOf("alpha");
  await applyWidget("alpha", { value: "four" });
  await waitFor("four", async () => (dataOf(await get(configMap("alpha"))).value === "four" ? true : undefined));
  await settled("alpha");
  await stack.relay.idle();
  const runs = probe.runs(uid);
  const work = createSqsWorkQueue(stack.sqs.client, stack.sqs.workUrl);
  const trigger = { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", namespace: NS, name: "alpha", uid };
  await work.enqueue([
    { trigger, reason: "event", hash: "stale-1" },
    { trigger, reason: "event", hash: "stale-1" },
    { trigger, reason: "event", hash: "stale-0" },
  ]);
  await waitFor("the work queue to drain", () => (stack.sqs.depth("work").ready + stack.sqs.depth("work").inflight === 0 ? true : undefined));
  assert.equal(probe.runs(uid), runs, "stale events with the current hash on the object run nothing");
  assert.equal(dataOf(await get(configMap("alpha"))).value, "four");
});

test("CTL-11 / SRV-4 / SRV-6: a handler killed mid-batch: the trigger still converges and never runs twice at once", async () => {
  const uid = await uidOf("alpha");
  probe.holdNext(uid);
  await applyWidget("alpha", { value: "five" });
  await waitFor("the run to start", () => (probe.hold?.started ? true : undefined));
  for (const handler of stack.handlers) handler.kill();
  probe.hold?.release();
  stack.addHandler();
  stack.addHandler();
  await waitFor("alpha to converge after redelivery", async () => (dataOf(await get(configMap("alpha"))).value === "five" ? true : undefined), 30_000);
  assert.equal(probe.maxOverlap, 1);
});

test("CTL-16 / SRV-11: deleting the trigger removes its owned objects and later requests for its uid are dropped", async () => {
  const uid = await uidOf("alpha");
  const deleted = await stack.cluster.delete(widget("alpha"));
  assert.ok(deleted.ok);
  await waitFor("the owned ConfigMap to be collected", async () => ((await get(configMap("alpha"))) === undefined ? true : undefined));
  const runs = probe.runs(uid);
  const work = createSqsWorkQueue(stack.sqs.client, stack.sqs.workUrl);
  await work.enqueue([
    { trigger: { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", namespace: NS, name: "alpha", uid }, reason: "force", nonce: "after-delete" },
  ]);
  await waitFor("the work queue to drain", () => (stack.sqs.depth("work").ready + stack.sqs.depth("work").inflight === 0 ? true : undefined));
  assert.equal(probe.runs(uid), runs);
  assert.equal(probe.maxOverlap, 1);
});
