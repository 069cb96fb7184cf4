/**
 * `koreo start` in-process: the repository's WebApp example converges on the
 * local stack thanks to the simulated Deployment controller (the embedded API
 * server runs no workload controllers) and a ×10 clock (the example's Retry
 * delays add up to ~45 s).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { EXAMPLE_MANIFESTS } from "../../src/cli/commands/start.ts";
import { startLocalStack, type LocalStack } from "../../src/local/stack.ts";
import { statusPatch } from "../../src/local/workload-simulator.ts";
import { isMap, type Value } from "../../src/value/value.ts";
import { waitFor } from "../support/e2e.ts";

const examples = EXAMPLE_MANIFESTS;
const NS = "team-a";
let stack: LocalStack;

before(async () => {
  stack = await startLocalStack({
    manifests: examples,
    env: { KOREO_NAMESPACE: "acme-platform", RESOURCE_NAMESPACE: NS },
    simulateWorkloads: true,
    timeScale: 10,
  });
});
after(async () => stack?.stop());

async function get(apiVersion: string, kind: string, name: string): Promise<Record<string, Value> | undefined> {
  const got = await stack.cluster.get({ apiVersion, kind, name, namespace: NS });
  return got.ok ? got.value : undefined;
}

const conditions = (object: Record<string, Value> | undefined): Value[] =>
  isMap(object?.status) && Array.isArray(object.status.conditions) ? object.status.conditions : [];

test("koreo start: the WebApp example converges on the local stack (simulated Deployment controller, ×10 clock)", async () => {
  const ready = await waitFor(
    "WebApp team-a/shop to be Ready",
    async () => conditions(await get("apps.acme.example/v1", "WebApp", "shop")).find((c) => isMap(c) && c.type === "Ready" && c.reason === "Ready"),
    30_000,
  );
  assert.ok(isMap(ready));
  const deployment = await get("apps/v1", "Deployment", "shop");
  assert.ok(isMap(deployment?.status), "the Deployment exists and reports a status");
  assert.equal(deployment.status.availableReplicas, 2n, "the simulated controller reports spec.replicas as available");
  assert.ok(await get("v1", "Service", "shop"), "the Service exists");
  assert.ok(await get("v1", "ConfigMap", "shop-settings"), "the settings ConfigMap exists");
  assert.ok((stack.simulator?.settled() ?? 0) >= 1);
});

test("simulated Deployment controller: reports spec.replicas (default 1) and the generation; nothing to write once it does", () => {
  assert.deepEqual(statusPatch({ metadata: { generation: 3n }, spec: { replicas: 2n } }), {
    status: { replicas: 2n, readyReplicas: 2n, availableReplicas: 2n, updatedReplicas: 2n, observedGeneration: 3n },
  });
  assert.deepEqual(statusPatch({ metadata: {}, spec: {} }), { status: { replicas: 1n, readyReplicas: 1n, availableReplicas: 1n, updatedReplicas: 1n } });
  const settled = {
    metadata: { generation: 3n },
    spec: { replicas: 2n },
    status: { replicas: 2n, readyReplicas: 2n, availableReplicas: 2n, updatedReplicas: 2n, observedGeneration: 3n },
  };
  assert.equal(statusPatch(settled), undefined);
});
