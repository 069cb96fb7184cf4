/**
 * Admission latency: what the validating webhook adds to a write of a valid Koreo definition
 * through the embedded API server. The same sequential creates (one client, keep-alive) run
 * without and then with `localAdmissionWebhook` registered (the webhook app served on
 * loopback, as `npm start` runs it); the rows give p50/p99 of each and the added ms.
 * Rounds alternate (without, with, without, …) and are pooled per side.
 * Two definitions: a ValueFunction (no references) and a ResourceFunction whose overlay
 * names an existing ValueFunction (the webhook reads it back from the API server).
 * Target: < 20 ms added at p99.
 */
import * as http from "node:http";
import { fileURLToPath } from "node:url";
import { startApiServer } from "../src/apiserver/index.ts";
import { createClientNodeCluster, loadKubeConfig } from "../src/cluster/adapters/index.ts";
import { applyManifests, readManifests } from "../src/local/apply.ts";
import { serveFetch } from "../src/local/serve.ts";
import { silentLogger } from "../src/ports/index.ts";
import { constantSecret, createWebhookApp } from "../src/webhook/index.ts";
import { localAdmissionWebhook } from "../src/webhook/admission-registration.ts";

/** Rounds alternate without/with the webhook, so a load change on the machine hits both sides alike. */
const ROUNDS = 4;
const CREATES = 100;
const WARMUP = 20;
const CRDS = fileURLToPath(new URL("../infra/crds/", import.meta.url));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const valueFunction = (name: string): string =>
  JSON.stringify({
    apiVersion: "koreo.dev/v1beta1",
    kind: "ValueFunction",
    metadata: { name },
    spec: { return: { value: "=inputs.x + 1", name: "=inputs.name" } },
  });

const resourceFunction = (name: string): string =>
  JSON.stringify({
    apiVersion: "koreo.dev/v1beta1",
    kind: "ResourceFunction",
    metadata: { name },
    spec: {
      apiConfig: { apiVersion: "v1", kind: "ConfigMap", name: "=inputs.name", namespace: "default" },
      resource: { data: { a: "=inputs.a" } },
      overlays: [{ overlayRef: { kind: "ValueFunction", name: "overlay" } }],
    },
  });

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Per-request milliseconds of CREATES sequential creates (after a warm-up). */
async function creates(url: string, prefix: string, body: (name: string) => string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + CREATES; i++) {
    const started = process.hrtime.bigint();
    const status = await post(url, body(`${prefix}-${i}`));
    if (status !== 201) throw new Error(`create ${prefix}-${i}: HTTP ${status}`);
    if (i >= WARMUP) times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times;
}

const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  const api = await startApiServer();
  const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url }));
  await applyManifests(cluster, readManifests([CRDS]));
  const app = createWebhookApp({
    secret: constantSecret("bench"),
    bodyLimitBytes: 64 * 1024,
    cluster,
    work: { enqueue: async () => {} },
    dryRun: async () => ({ report: null, writes: [] }),
    logger: silentLogger,
  });
  const webhook = await serveFetch(app.fetch);
  const base = `${api.url}/apis/koreo.dev/v1beta1/namespaces/default`;
  await post(`${base}/valuefunctions`, valueFunction("overlay"));

  const cases = [
    { name: "ValueFunction create", url: `${base}/valuefunctions`, body: valueFunction },
    { name: "ResourceFunction create (1 reference read)", url: `${base}/resourcefunctions`, body: resourceFunction },
  ];
  const without: number[][] = cases.map(() => []);
  const withWebhook: number[][] = cases.map(() => []);
  const configuration = localAdmissionWebhook(webhook.url);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of cases.entries()) without[i]?.push(...(await creates(c.url, `plain-${round}`, c.body)));
    await applyManifests(cluster, [configuration]);
    for (const [i, c] of cases.entries()) withWebhook[i]?.push(...(await creates(c.url, `checked-${round}`, c.body)));
    await cluster.delete({ apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", name: "koreo-definitions" });
  }
  const rows: string[][] = [];
  for (const [i, c] of cases.entries()) {
    const plain = (without[i] as number[]).sort((a, b) => a - b);
    const checked = (withWebhook[i] as number[]).sort((a, b) => a - b);
    const [p50, p99] = [percentile(plain, 50), percentile(plain, 99)];
    const [c50, c99] = [percentile(checked, 50), percentile(checked, 99)];
    rows.push([c.name, `${fmt(p50)} / ${fmt(p99)}`, `${fmt(c50)} / ${fmt(c99)}`, `+${fmt(c50 - p50)} / +${fmt(c99 - p99)}`, c99 - p99 < 20 ? "yes" : "NO"]);
  }
  console.log(`${ROUNDS} × ${CREATES} sequential creates per side (after ${WARMUP} warm-up each), embedded API server over HTTP, webhook on loopback`);
  console.table(
    rows.map(([workload, plain, checked, added, target]) => ({
      workload,
      "without p50 / p99": plain,
      "with webhook p50 / p99": checked,
      "added p50 / p99": added,
      "p99 added < 20 ms": target,
    })),
  );
  await webhook.close();
  await api.close();
  agent.destroy();
}

await main();
