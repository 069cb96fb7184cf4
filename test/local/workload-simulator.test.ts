/**
 * The local stack's simulated workload controllers against the embedded API server over real
 * HTTPS, read back by kubectl as an independent client: a Pod becomes Running (READY 1/1), a
 * Deployment reports a finished rollout (READY n/n, `kubectl rollout status` succeeds).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createClientNodeCluster, loadKubeConfig } from "../../src/cluster/adapters/index.ts";
import { silentLogger } from "../../src/ports/index.ts";
import { deploymentStatusPatch, podStatusPatch, startWorkloadSimulator, type WorkloadSimulator } from "../../src/local/workload-simulator.ts";
import { harness, kubectl, type Harness, type Kubectl } from "../support/apiserver.ts";
import { waitFor } from "../support/e2e.ts";

let h: Harness;
let k: Kubectl;
let simulator: WorkloadSimulator;

before(async () => {
  h = await harness({ tls: true });
  k = kubectl(h);
  const caData = h.server.caData;
  const cluster = createClientNodeCluster(loadKubeConfig({ server: h.server.url, ...(caData === undefined ? {} : { caData }) }));
  simulator = startWorkloadSimulator(cluster, silentLogger, 50);
});
after(async () => {
  await simulator?.stop();
  await h?.close();
});

async function ok(args: string[]): Promise<string> {
  const run = await k.run(args);
  assert.equal(run.code, 0, `kubectl ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

/** The row of `kubectl get` for one object, split into columns. */
async function row(kind: string, name: string): Promise<string[]> {
  const out = await ok(["get", kind, name, "--no-headers"]);
  return out.trim().split(/\s+/);
}

test("kubectl run: the Pod becomes Running with its container ready (READY 1/1)", async () => {
  await ok(["run", "web", "--image=nginx:1.27", "--port=80"]);
  const columns = await waitFor("web to be Running", async () => {
    const got = await row("pod", "web");
    return got[2] === "Running" ? got : undefined;
  });
  assert.deepEqual(columns.slice(0, 4), ["web", "1/1", "Running", "0"]);
  const pod = JSON.parse(await ok(["get", "pod", "web", "-o", "json"]));
  assert.equal(pod.status.qosClass, "BestEffort", "the QoS class written at creation stays");
  assert.deepEqual(
    pod.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`),
    ["PodScheduled=True", "Initialized=True", "ContainersReady=True", "Ready=True"],
  );
  assert.match(pod.status.podIP, /^10\.244\.\d+\.\d+$/);
  assert.deepEqual(pod.status.podIPs, [{ ip: pod.status.podIP }]);
  assert.equal(typeof pod.status.hostIP, "string");
  assert.equal(typeof pod.status.startTime, "string");
  const [container] = pod.status.containerStatuses;
  assert.deepEqual(
    { ...container, state: Object.keys(container.state) },
    { name: "web", image: "nginx:1.27", imageID: "", ready: true, started: true, restartCount: 0, state: ["running"] },
  );
});

test("kubectl create deployment: READY 2/2, the controller's conditions, and `kubectl rollout status` succeeds", async () => {
  await ok(["create", "deployment", "shop", "--image=nginx:1.27", "--replicas=2"]);
  const rollout = await ok(["rollout", "status", "deployment/shop", "--timeout=60s"]);
  assert.match(rollout, /deployment "shop" successfully rolled out/);
  assert.deepEqual((await row("deploy", "shop")).slice(0, 4), ["shop", "2/2", "2", "2"]);
  const deployment = JSON.parse(await ok(["get", "deploy", "shop", "-o", "json"]));
  const { status } = deployment;
  assert.equal(status.observedGeneration, deployment.metadata.generation);
  assert.deepEqual(
    status.conditions.map((c: { type: string; status: string; reason: string }) => `${c.type}=${c.status}/${c.reason}`),
    ["Available=True/MinimumReplicasAvailable", "Progressing=True/NewReplicaSetAvailable"],
  );
  assert.match(status.conditions[1].message, /^ReplicaSet "shop-[a-z0-9]{10}" has successfully progressed\.$/);
});

test("a new rollout (kubectl set image, kubectl scale): observed again, a new ReplicaSet name, rollout status succeeds", async () => {
  const before = JSON.parse(await ok(["get", "deploy", "shop", "-o", "json"]));
  await ok(["set", "image", "deployment/shop", "nginx=nginx:1.28"]);
  await ok(["scale", "deployment/shop", "--replicas=3"]);
  assert.match(await ok(["rollout", "status", "deployment/shop", "--timeout=60s"]), /successfully rolled out/);
  const columns = await waitFor("shop to report 3/3", async () => {
    const got = await row("deploy", "shop");
    return got[1] === "3/3" ? got : undefined;
  });
  assert.deepEqual(columns.slice(0, 4), ["shop", "3/3", "3", "3"]);
  const after = JSON.parse(await ok(["get", "deploy", "shop", "-o", "json"]));
  assert.ok(after.metadata.generation > before.metadata.generation);
  assert.equal(after.status.observedGeneration, after.metadata.generation);
  assert.notEqual(after.status.conditions[1].message, before.status.conditions[1].message, "the template changed: a new ReplicaSet");
  assert.equal(after.status.conditions[0].lastTransitionTime, before.status.conditions[0].lastTransitionTime, "Available stayed True");
});

test("settled objects need no further write (no write loop)", () => {
  const now = new Date("2026-01-02T03:04:05.678Z");
  const deployment = { metadata: { name: "d", generation: 2n }, spec: { replicas: 2n, template: { spec: {} } } };
  const patch = deploymentStatusPatch(deployment, now);
  assert.ok(patch !== undefined);
  assert.equal(deploymentStatusPatch({ ...deployment, ...patch }, new Date()), undefined);
  const pod = { metadata: { name: "p", uid: "u1" }, spec: { containers: [{ name: "c", image: "i" }] }, status: { phase: "Pending", qosClass: "BestEffort" } };
  const running = podStatusPatch(pod, now);
  assert.ok(running !== undefined);
  assert.equal((running.status as { startTime: string }).startTime, "2026-01-02T03:04:05Z");
  assert.equal(podStatusPatch({ ...pod, ...running }, new Date()), undefined);
  assert.equal(podStatusPatch({ ...pod, metadata: { name: "p", deletionTimestamp: "2026-01-02T03:04:05Z" } }), undefined, "a terminating Pod is left alone");
});
