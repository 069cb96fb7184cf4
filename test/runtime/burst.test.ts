/**
 * Cost per reconcile under a burst (SRV-2, SRV-12, CTL-10, SRV-4): 50 triggers × 20 spec updates
 * each, with the relay watching the embedded API server over HTTP and forwarding every update to a
 * fauxqs FIFO work queue, and three handlers ("containers", each its own runtime and memory)
 * draining it with the batch size serverless.yml deploys. A handler that has just reconciled from
 * a trigger's latest version drops the older messages of that trigger without GETting it
 * (src/reconciler/seen.ts), so the trigger GETs (counted by a proxy in front of the API server)
 * are fewer than the messages the handlers received; and every trigger still ends reconciled on
 * its latest spec (its status shows the last value and its record the last hash).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { SQS } from "@aws-sdk/client-sqs";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { explicitKubeAccess } from "../../src/cluster/adapters/kube-access.ts";
import type { KubeObject, WatchableClusterApi } from "../../src/cluster/cluster-api.ts";
import { configFromEnv } from "../../src/config/config.ts";
import { composeRuntime } from "../../src/lambda/composition-root.ts";
import { createSqsBatchHandler, sqsVisibility } from "../../src/lambda/sqs-batch.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { startPoller, type Poller } from "../../src/local/poller.ts";
import { startLocalSqs, type LocalSqs } from "../../src/local/sqs.ts";
import { systemClock } from "../../src/ports/clock.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import type { Metrics } from "../../src/ports/metrics.ts";
import { createSqsWorkQueue } from "../../src/queue/adapters/sqs.ts";
import { changeHash } from "../../src/reconciler/change-hash.ts";
import { readRecord } from "../../src/reconciler/record.ts";
import { startRelay, type Relay } from "../../src/relay/relay.ts";
import { isMap } from "../../src/value/value.ts";
import { startCountingProxy, type CountingProxy } from "../support/counting-proxy.ts";
import { waitFor } from "../support/e2e.ts";
import { deployedSettings } from "./support/deployed.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const NS = "koreo-burst";
const TRIGGERS = 50;
const UPDATES = 20;
const HANDLERS = 3;
const WIDGETS = `/apis/e2e.koreo.dev/v1/namespaces/${NS}/widgets/`;

/** The reconcile function's SQS batch size as deployed. */
const deployedBatchSize = deployedSettings().batchSize;

/** A Workflow whose status echoes the trigger's spec: `status.state.value` is the value the last run saw. */
const program: KubeObject[] = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
  {
    apiVersion: "koreo.dev/v1beta1",
    kind: "ValueFunction",
    metadata: { name: "burst-echo", namespace: NS },
    spec: { return: { value: "=inputs.value" } },
  },
  {
    apiVersion: "koreo.dev/v1beta1",
    kind: "Workflow",
    metadata: { name: "burst", namespace: NS },
    spec: {
      crdRef: { apiGroup: "e2e.koreo.dev", version: "v1", kind: "Widget" },
      steps: [{ label: "echo", ref: { kind: "ValueFunction", name: "burst-echo" }, inputs: { value: "=parent.spec.value" }, state: { value: "=value.value" } }],
    },
  },
];

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) assert.fail(result.error.message);
  return result.value;
}

/** GateDrops by reason, summed over the handlers. */
function countingMetrics(drops: Map<string, number>): Metrics {
  return {
    count(name, dimensions) {
      if (name !== "GateDrops") return;
      const reason = dimensions?.reason ?? "?";
      drops.set(reason, (drops.get(reason) ?? 0) + 1);
    },
    milliseconds() {},
  };
}

let api: RunningApiServer;
let proxy: CountingProxy;
let sqs: LocalSqs;
let client: SQS;
let direct: WatchableClusterApi;
let relay: Relay | undefined;
const pollers: Poller[] = [];

before(async () => {
  api = await startApiServer({ port: 0 });
  proxy = await startCountingProxy(api.url);
  sqs = await startLocalSqs();
  // The aggregated client: the adapters' SQS calls and the poller's `send` alike.
  client = new SQS({ endpoint: sqs.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  direct = createClientNodeCluster(explicitKubeAccess(api.url));
  await applyManifests(direct, [...readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`]), ...program]);
});

after(async () => {
  for (const poller of pollers) await poller.stop();
  await relay?.stop();
  client?.destroy();
  await sqs?.stop();
  await proxy?.close();
  await api?.close();
});

test(
  "SRV-2 / SRV-12 / CTL-10: a burst of 50 triggers × 20 spec updates costs fewer trigger GETs than messages, and every trigger ends on its latest spec",
  { timeout: 300_000 },
  async (t) => {
    const env = {
      KOREO_NAMESPACE: NS,
      RESOURCE_NAMESPACE: NS,
      SQS_ENDPOINT: sqs.endpoint,
      KOREO_WORK_QUEUE_URL: sqs.workUrl,
      KOREO_TIMER_QUEUE_URL: sqs.timerUrl,
    };
    const config = configFromEnv(env);
    const drops = new Map<string, number>();
    let received = 0;
    for (let i = 0; i < HANDLERS; i++) {
      // One runtime per handler: its own definitions cache and its own memory of handled triggers, like a Lambda container.
      const runtime = composeRuntime({
        config,
        cluster: createClientNodeCluster(explicitKubeAccess(proxy.url)),
        sqs: client,
        clock: systemClock,
        logger: silentLogger,
        metrics: countingMetrics(drops),
      });
      const batch = createSqsBatchHandler(runtime.reconcile, {
        logger: silentLogger,
        metrics: runtime.metrics,
        maxReceiveCount: 5,
        fifo: true,
        changeVisibility: sqsVisibility(client, sqs.workUrl, silentLogger),
      });
      pollers.push(
        startPoller({
          client,
          queueUrl: sqs.workUrl,
          queueArn: sqs.workArn,
          batchSize: deployedBatchSize,
          handler: (event, context) => {
            received += event.Records.length;
            return batch(event, context);
          },
        }),
      );
    }
    relay = startRelay({
      cluster: direct,
      work: createSqsWorkQueue(client, sqs.workUrl),
      logger: silentLogger,
      koreoNamespaces: [NS],
      templateNamespaces: [NS],
      resourceNamespaces: [NS],
      backoff: { baseMs: 100, capMs: 500, jitterMs: 50, maxErrors: Number.POSITIVE_INFINITY, renewMs: 600_000 },
    });
    await waitFor("the relay to watch Widgets", () => (relay?.watchedKinds().length === 1 ? true : undefined));

    const names = Array.from({ length: TRIGGERS }, (_, i) => `w${i}`);
    const widget = (name: string, value: string) => ({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name, namespace: NS }, spec: { value } });
    await Promise.all(names.map(async (name) => must(await direct.apply(widget(name, "v0"), { fieldManager: "burst", force: true }))));
    for (let update = 1; update <= UPDATES; update++) {
      await Promise.all(names.map(async (name) => must(await direct.apply(widget(name, `v${update}`), { fieldManager: "burst", force: true }))));
    }
    const last = `v${UPDATES}`;

    const get = async (name: string) => must(await direct.get({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name, namespace: NS }));
    const done = async () => {
      for (const name of names) {
        const object = await get(name);
        const status = isMap(object.status) && isMap(object.status.state) ? object.status.state.value : undefined;
        if (status !== last || readRecord(object)?.hash !== changeHash(object)) return undefined;
      }
      await relay?.idle();
      const work = sqs.depth("work");
      return work.ready + work.inflight + work.delayed === 0 ? true : undefined;
    };
    await waitFor("every trigger reconciled on its last spec and the queue drained", done, 240_000);

    const triggerGets = proxy.requests.filter((r) => r.method === "GET" && r.path.startsWith(WIDGETS)).length;
    const sent = relay.snapshot().sender.sent;
    t.diagnostic(`messages sent by the relay ${sent}, received by handlers ${received}, trigger GETs ${triggerGets}`);
    t.diagnostic(`gate drops by reason: ${JSON.stringify(Object.fromEntries(drops))}`);
    assert.ok(sent >= TRIGGERS * UPDATES, `the relay forwarded every update (${sent})`);
    assert.ok(received >= sent, `the handlers received every message (${received} of ${sent})`);
    assert.ok(triggerGets < received, `fewer trigger GETs (${triggerGets}) than messages received (${received})`);
    assert.ok((drops.get("seen-version") ?? 0) > 0, "some messages were dropped without a GET");
    for (const name of names) {
      const object = await get(name);
      assert.deepEqual(isMap(object.status) ? object.status.state : undefined, { value: last }, `${name}'s status shows its last spec`);
      assert.equal(readRecord(object)?.hash, changeHash(object), `${name}'s record was taken from its last spec`);
    }
  },
);
