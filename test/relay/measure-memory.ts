/**
 * Measures the relay's memory as the image runs it (the esbuild bundle, not tsx) against
 * the embedded API server and fauxqs; the figures behind infra/relay/relay.yaml's limits.
 *   node --import tsx test/relay/measure-memory.ts [NODE_BINARY] [TRIGGERS]
 * Prints RSS (from /proc) idle with a few triggers, then with TRIGGERS triggers, then with
 * SQS down and the send buffer full (10,000 requests, the default bound).
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { startLocalSqs } from "../../src/local/sqs.ts";
import { waitFor } from "../support/e2e.ts";
import { drainQueue, NS, root, spawnRelay, widget, type RelayProcess } from "../support/relay.ts";

const nodeBinary = process.argv[2];
const triggers = Number(process.argv[3] ?? "2000");
if (nodeBinary !== undefined) process.env.KOREO_RELAY_TEST_NODE = nodeBinary;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

/** Peak and last RSS over `seconds`, one sample a second. */
async function sample(relay: RelayProcess, seconds: number): Promise<string> {
  const pid = relay.child.pid ?? 0;
  const values: number[] = [];
  for (let i = 0; i < seconds; i++) {
    values.push(rssMiB(pid));
    await sleep(1000);
  }
  return `peak ${Math.max(...values).toFixed(1)} MiB, last ${values.at(-1)?.toFixed(1)} MiB`;
}

async function applyMany(cluster: ReturnType<typeof createClientNodeCluster>, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, to - start) }, (_, k) => cluster.apply(widget(`m-${start + k}`), { fieldManager: "m" })));
  }
}

const dir = mkdtempSync(join(tmpdir(), "koreo-relay-mem-"));
const api = await startApiServer({});
const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url }));
await applyManifests(cluster, readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]));
await applyMany(cluster, 0, 5);
const kubeconfig = join(dir, "kubeconfig");
api.writeKubeconfig(kubeconfig);
let sqs = await startLocalSqs();
const relay = spawnRelay({ kubeconfig, queueUrl: sqs.workUrl, sqsEndpoint: sqs.endpoint });
try {
  await waitFor("ready", async () => ((await relay.readyz()).status === 200 ? true : undefined), 60_000);
  await sleep(10_000);
  console.log(`node ${nodeBinary ?? process.execPath}`);
  console.log(`idle, 5 triggers: ${await sample(relay, 20)}`);
  await applyMany(cluster, 5, triggers);
  await waitFor("all sent", async () => ((await relay.readyz()).body.sender.sent >= triggers ? true : undefined), 120_000);
  await drainQueue(sqs.client, sqs.workUrl);
  await sleep(5_000);
  console.log(`idle, ${triggers} triggers: ${await sample(relay, 20)}`);
  await sqs.stop();
  // Definition changes fan out to every trigger: with SQS down the buffer fills to its bound.
  for (let i = 0; (await relay.readyz()).body.sender.buffered < 10_000 && i < 20; i++) {
    await cluster.mergePatch(
      { apiVersion: "koreo.dev/v1beta1", kind: "ValueFunction", name: "widget-gate", namespace: NS },
      { spec: { return: { value: `=inputs.spec.value + '${i}'` } } },
    );
    await sleep(500);
  }
  const state = await relay.readyz();
  console.log(
    `SQS down, buffer ${state.body.sender.buffered}/${state.body.sender.limit} (overflowed ${state.body.sender.overflowed}): ${await sample(relay, 20)}`,
  );
  sqs = await startLocalSqs();
} finally {
  relay.kill();
  await relay.exited;
  await sqs.stop();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
}
