/**
 * `koreo start` on a kept --data-dir: a cluster that already converged is reconciled again
 * (the --once force) and is Ok at once, with its Deployment untouched by the restart.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLE_MANIFESTS } from "../../src/cli/commands/start.ts";
import { startLocalStack, type LocalStack } from "../../src/local/stack.ts";
import { createSqsWorkQueue } from "../../src/queue/adapters/sqs.ts";
import { triggerRefOf } from "../../src/queue/messages.ts";
import type { RunReport } from "../../src/reconciler/engine-port.ts";
import { isMap } from "../../src/value/value.ts";
import { waitFor } from "../support/e2e.ts";

const dataDir = mkdtempSync(join(tmpdir(), "koreo-start-restart-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const SHOP = { apiVersion: "apps.acme.example/v1", kind: "WebApp", namespace: "team-a", name: "shop" };
const DEPLOYMENT = { apiVersion: "apps/v1", kind: "Deployment", namespace: "team-a", name: "shop" };

async function start(reports: RunReport[]): Promise<LocalStack> {
  return startLocalStack({
    dataDir,
    manifests: EXAMPLE_MANIFESTS,
    env: { KOREO_NAMESPACE: "acme-platform", RESOURCE_NAMESPACE: "team-a" },
    simulateWorkloads: true,
    timeScale: 10,
    wrapRun:
      (run) =>
      async (...args) => {
        const report = await run(...args);
        reports.push(report);
        return report;
      },
  });
}

async function generationOf(stack: LocalStack): Promise<unknown> {
  const got = await stack.cluster.get(DEPLOYMENT);
  return got.ok && isMap(got.value.metadata) ? got.value.metadata.generation : undefined;
}

test("koreo start twice on one data dir: the restart re-applies nothing the Workflow manages, so the forced reconcile is Ok first time", async () => {
  const first: RunReport[] = [];
  let stack = await start(first);
  try {
    await waitFor("the first start to converge", () => (first.at(-1)?.outcome.kind === "Ok" ? true : undefined), 30_000);
  } finally {
    await stack.stop();
  }
  const second: RunReport[] = [];
  stack = await start(second);
  try {
    const generation = await generationOf(stack);
    const got = await stack.cluster.get(SHOP);
    const trigger = got.ok ? triggerRefOf({ ...got.value, ...SHOP }) : undefined;
    assert.ok(trigger !== undefined);
    await createSqsWorkQueue(stack.sqs.client, stack.sqs.workUrl).enqueue([{ trigger, reason: "force", nonce: "restart" }]);
    await waitFor("the forced reconcile", () => (second.length > 0 ? true : undefined), 15_000);
    const [report] = second;
    assert.equal(report?.outcome.kind, "Ok", JSON.stringify(report?.steps));
    assert.equal(await generationOf(stack), generation, "the Deployment was not patched");
  } finally {
    await stack.stop();
  }
});
