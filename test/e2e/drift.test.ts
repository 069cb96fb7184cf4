/**
 * Drift end to end, over real HTTP and real SQS: the embedded API server, fauxqs, the relay
 * (watching the ConfigMaps the widget ResourceFunction manages) and two reconcile handlers plus
 * the timer handler, the handlers talking to the API server through a counting proxy so Koreo's
 * own writes to the managed ConfigMap can be counted.
 *
 * - another client edits the managed ConfigMap → the relay re-enqueues its trigger (reason
 *   `drift`) and Koreo puts the field back within 5 s (no resync involved: it is an hour);
 * - a writer that keeps editing it (every second, for 60 s) → within three passes the trigger's
 *   `Contested` condition names the field and the other field manager, and Koreo backs off:
 *   its writes to the ConfigMap in that minute stay ≤ 6 (without back-off: one per pass, ~60);
 * - the writer stops → the contest ends (the condition turns False) after the window.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { explicitKubeAccess } from "../../src/cluster/adapters/kube-access.ts";
import type { KubeObject, WatchableClusterApi } from "../../src/cluster/cluster-api.ts";
import { configFromEnv, type Env } from "../../src/config/config.ts";
import { createReconcileHandler, createTimerHandler } from "../../src/lambda/index.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { startPoller, type Poller } from "../../src/local/poller.ts";
import { startLocalSqs, type LocalSqs } from "../../src/local/sqs.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { createSqsWorkQueue } from "../../src/queue/adapters/sqs.ts";
import { readRecord } from "../../src/reconciler/record.ts";
import { startRelay, type Relay } from "../../src/relay/relay.ts";
import { isList, isMap, type Value } from "../../src/value/value.ts";
import { startCountingProxy, type CountingProxy } from "../support/counting-proxy.ts";
import { waitFor } from "../support/e2e.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const NS = "koreo-e2e";
const CM_PATH = `/api/v1/namespaces/${NS}/configmaps/`;
const noMetrics = { count() {}, milliseconds() {}, flush() {} };

let api: RunningApiServer;
let proxy: CountingProxy;
let sqs: LocalSqs;
let direct: WatchableClusterApi;
let relay: Relay;
const pollers: Poller[] = [];

before(async () => {
  api = await startApiServer({ port: 0 });
  proxy = await startCountingProxy(api.url);
  sqs = await startLocalSqs({ visibilityTimeoutSeconds: 5 });
  direct = createClientNodeCluster(explicitKubeAccess(api.url));
  assert.ok((await direct.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, { fieldManager: "test" })).ok);
  await applyManifests(
    direct,
    readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
  );
  const env: Env = {
    KOREO_NAMESPACE: NS,
    RESOURCE_NAMESPACE: NS,
    // No resync during the test: every correction is the relay's drift request or its timers.
    KOREO_RESYNC_SECONDS: "3600",
    KOREO_DEFINITIONS_TTL_SECONDS: "60",
    KUBE_SERVER: proxy.url,
    SQS_ENDPOINT: sqs.endpoint,
    KOREO_WORK_QUEUE_URL: sqs.workUrl,
    KOREO_TIMER_QUEUE_URL: sqs.timerUrl,
  };
  const config = configFromEnv(env);
  const overrides = { logger: silentLogger, metrics: noMetrics };
  const poll = (queueUrl: string, queueArn: string, handler: Parameters<typeof startPoller>[0]["handler"]) =>
    startPoller({ client: sqs.client, queueUrl, queueArn, handler, functionTimeoutMs: 55_000 });
  for (let i = 0; i < 2; i++) pollers.push(poll(sqs.workUrl, sqs.workArn, createReconcileHandler(env, overrides)));
  const timerHandler = createTimerHandler(env, overrides);
  pollers.push(
    poll(sqs.timerUrl, sqs.timerArn, async (event, context) => {
      const result = await timerHandler(event, context);
      return "batchItemFailures" in result ? result : { batchItemFailures: [] };
    }),
  );
  relay = startRelay({
    cluster: direct,
    work: createSqsWorkQueue(sqs.client, sqs.workUrl),
    logger: silentLogger,
    koreoNamespaces: config.koreoNamespaces,
    templateNamespaces: config.templateNamespaces,
    resourceNamespaces: config.resourceNamespaces,
    backoff: { baseMs: 100, capMs: 500, jitterMs: 50, maxErrors: Number.POSITIVE_INFINITY, renewMs: 900_000 },
  });
});

after(async () => {
  await relay?.stop();
  await Promise.all(pollers.map((p) => p.stop()));
  await sqs?.stop();
  await proxy?.close();
  await api?.close();
});

const widgetRef = (name: string) => ({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name, namespace: NS });
const configMapRef = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", name: `${name}-cm`, namespace: NS });

async function get(ref: { apiVersion: string; kind: string; name: string; namespace: string }): Promise<KubeObject | undefined> {
  const got = await direct.get(ref);
  return got.ok ? got.value : undefined;
}

const valueOf = (cm: KubeObject | undefined): Value | undefined => (isMap(cm?.data) ? cm.data.value : undefined);

function conditionOf(trigger: KubeObject | undefined, type: string): Record<string, Value> | undefined {
  const conditions = isMap(trigger?.status) ? trigger.status.conditions : undefined;
  const found = isList(conditions) ? conditions.find((c) => isMap(c) && c.type === type) : undefined;
  return isMap(found) ? found : undefined;
}

/** Another client's edit: a merge patch with its own field manager, as `kubectl edit` or a controller would send. */
async function edit(name: string, value: string, manager: string): Promise<void> {
  const patched = await direct.mergePatch(configMapRef(name), { data: { value } }, { fieldManager: manager });
  assert.ok(patched.ok, patched.ok ? "" : patched.error.message);
}

/** Koreo's writes to the ConfigMap (the handlers' only path to the API server is the proxy). */
function koreoWrites(name: string): number {
  return proxy.requests.filter((r) => r.method !== "GET" && r.path === `${CM_PATH}${name}-cm`).length;
}

async function settledWidget(name: string, value: string): Promise<void> {
  await waitFor("the relay to watch Widgets and ConfigMaps", () =>
    relay.watchedKinds().length > 0 && relay.watchedManagedKinds().some((k) => k.startsWith("v1:ConfigMap")) ? true : undefined,
  );
  const applied = await direct.apply({ ...widgetRef(name), metadata: { name, namespace: NS }, spec: { value } }, { fieldManager: "e2e", force: true });
  assert.ok(applied.ok);
  await waitFor(`${name}'s ConfigMap`, async () => (valueOf(await get(configMapRef(name))) === value ? true : undefined));
  // Settled: the run after the create (1 s) found it as wanted; the record says Ok.
  await waitFor(`${name} to settle`, async () => {
    const trigger = await get(widgetRef(name));
    return trigger !== undefined && readRecord(trigger)?.outcome === "Ok" ? true : undefined;
  });
}

test("drift: a managed ConfigMap edited by another client is corrected within 5 s (relay drift request, not a resync)", async () => {
  await settledWidget("drifty", "one");
  const writesBefore = koreoWrites("drifty");
  const editedAt = Date.now();
  await edit("drifty", "hacked", "kubectl-edit");
  await waitFor("Koreo to put the value back", async () => (valueOf(await get(configMapRef("drifty"))) === "one" ? true : undefined), 5_000);
  const seconds = (Date.now() - editedAt) / 1000;
  console.log(`drift corrected in ${seconds.toFixed(2)} s`);
  assert.ok(koreoWrites("drifty") > writesBefore, "the correction is Koreo's write");
  // One correction is no contest: no condition.
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(conditionOf(await get(widgetRef("drifty")), "Contested"), undefined);
});

test("drift: a writer that keeps editing is named in a Contested condition within three passes, and Koreo's writes per minute are bounded", async () => {
  await settledWidget("fought", "mine");
  const start = Date.now();
  const writesBefore = koreoWrites("fought");
  let edits = 0;
  let named: number | undefined;
  let condition: Record<string, Value> | undefined;
  let writesAtNamed = 0;
  while (Date.now() - start < 60_000) {
    edits += 1;
    await edit("fought", `theirs-${edits}`, "other-controller");
    await new Promise((r) => setTimeout(r, 1_000));
    if (named === undefined) {
      condition = conditionOf(await get(widgetRef("fought")), "Contested");
      if (condition?.status === "True") {
        named = Date.now() - start;
        writesAtNamed = koreoWrites("fought") - writesBefore;
      }
    }
  }
  const writes = koreoWrites("fought") - writesBefore;
  const triggerWrites = proxy.requests.filter((r) => r.method !== "GET" && r.path.endsWith("/widgets/fought")).length;
  console.log(
    `${edits} edits in 60 s; Koreo wrote the ConfigMap ${writes} times (the trigger ${triggerWrites} times in all); ` +
      `condition after ${named} ms and ${writesAtNamed} corrections`,
  );
  assert.ok(named !== undefined && condition !== undefined, "the Contested condition appeared");
  assert.ok(writesAtNamed <= 3, `named within three passes (after ${writesAtNamed} corrections)`);
  assert.equal(condition.reason, "OtherFieldManager");
  assert.match(String(condition.message), /field data\.value of ConfigMap koreo-e2e\/fought-cm is also written by field manager other-controller/);
  // 5 s · 2^(n−1) windows: corrections at 0, 5, 15, 35 s (+ latency) → at most 5 in a minute; 6 allows one redelivery.
  assert.ok(writes >= 2 && writes <= 6, `Koreo's writes in a minute of fighting: ${writes}`);
  const record = readRecord((await get(widgetRef("fought"))) ?? {});
  assert.equal(record?.contest?.manager, "other-controller");
  assert.equal(record?.contest?.field, "data.value");
});

test("drift: once the other writer stops, the contest ends after its window: the condition turns False and the record forgets it", async () => {
  await settledWidget("truce", "mine");
  // Two edits a second apart: the first is corrected at once, the second at the 5 s window's end (the second correction in a row).
  await edit("truce", "theirs-1", "other-controller");
  await waitFor("the first correction", async () => (valueOf(await get(configMapRef("truce"))) === "mine" ? true : undefined), 5_000);
  await edit("truce", "theirs-2", "other-controller");
  const stated = await waitFor(
    "the Contested condition",
    async () => {
      const condition = conditionOf(await get(widgetRef("truce")), "Contested");
      return condition?.status === "True" ? condition : undefined;
    },
    10_000,
  );
  assert.match(String(stated.message), /data\.value of ConfigMap koreo-e2e\/truce-cm .* other-controller/);
  assert.equal(valueOf(await get(configMapRef("truce"))), "mine");
  // The window after the second correction is 10 s; the pass at its end finds the correction held.
  const resolved = await waitFor(
    "the contest to end",
    async () => {
      const condition = conditionOf(await get(widgetRef("truce")), "Contested");
      return condition?.status === "False" ? condition : undefined;
    },
    20_000,
  );
  assert.equal(resolved.reason, "Resolved");
  assert.equal(
    readRecord((await get(widgetRef("truce"))) ?? {})?.contest,
    undefined,
    "no contest state once it ended (SRV-12: nothing kept for quiet triggers)",
  );
});

test("drift: a deleted managed ConfigMap re-enqueues its trigger and is re-created within 5 s", async () => {
  await settledWidget("gone", "here");
  const deleted = await direct.delete(configMapRef("gone"));
  assert.ok(deleted.ok);
  await waitFor("the ConfigMap to be re-created", async () => (valueOf(await get(configMapRef("gone"))) === "here" ? true : undefined), 5_000);
});
