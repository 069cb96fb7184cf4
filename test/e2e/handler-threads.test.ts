/**
 * `koreo start`'s handlers in worker threads (src/local/handler-thread.ts), end to end over
 * real HTTP and fauxqs: each thread loads the sources through bin/handler-thread.mjs, polls
 * the work queue and reconciles; its log lines and metrics reach the stack's logger and
 * metrics in the main thread; a killed thread's message comes back to the other one.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { FlushableMetrics } from "../../src/lambda/observability.ts";
import { startLocalStack, type LocalStack } from "../../src/local/stack.ts";
import type { LogFields, Logger } from "../../src/ports/logger.ts";
import { isMap, type Value } from "../../src/value/value.ts";
import { waitFor } from "../support/e2e.ts";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const NS = "koreo-e2e";
const runs: LogFields[] = [];
const counted: string[] = [];
const logger: Logger = {
  debug() {},
  info(_message, fields) {
    if (fields?.durationMs !== undefined) runs.push(fields);
  },
  warn() {},
  error() {},
  child: () => logger,
};
const metrics: FlushableMetrics = {
  count: (name, dimensions) => counted.push(`${name}${dimensions?.outcome === undefined ? "" : `:${dimensions.outcome}`}`),
  milliseconds() {},
  flush() {},
};
let stack: LocalStack;

before(async () => {
  stack = await startLocalStack({
    handlers: 2,
    handlerThreads: true,
    manifests: [`${fixtures}widget-crd.yaml`, `${fixtures}widget-program.yaml`],
    env: { KOREO_NAMESPACE: NS, RESOURCE_NAMESPACE: NS, KOREO_RESYNC_SECONDS: "3600" },
    logger,
    metrics,
    visibilityTimeoutSeconds: 3,
  });
});
after(async () => stack?.stop());

async function applyWidget(name: string, value: string): Promise<string> {
  const applied = await stack.cluster.apply(
    { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name, namespace: NS }, spec: { value } },
    { fieldManager: "test", force: true },
  );
  assert.ok(applied.ok && isMap(applied.value.metadata));
  return String(applied.value.metadata.uid);
}

async function configMapValue(name: string): Promise<Value | undefined> {
  const got = await stack.cluster.get({ apiVersion: "v1", kind: "ConfigMap", name: `${name}-cm`, namespace: NS });
  return got.ok && isMap(got.value.data) ? got.value.data.value : undefined;
}

test("handler threads reconcile, and their run lines and metrics reach the main thread's logger and metrics", async () => {
  const uid = await applyWidget("threaded", "one");
  assert.equal(await waitFor("the ConfigMap a handler thread created", () => configMapValue("threaded"), 60_000), "one");
  await waitFor("the run line of the Widget, forwarded", () => runs.find((fields) => fields.uid === uid), 20_000);
  assert.equal(runs.find((fields) => fields.uid === uid)?.trigger, `Widget:${NS}/threaded`);
  assert.ok(
    counted.some((name) => name.startsWith("Reconciles:")),
    `forwarded metrics: ${counted.join(", ")}`,
  );
});

test("a killed handler thread is like a dead container: the other one reconciles the next change", async () => {
  await applyWidget("survivor", "one");
  await waitFor("the first reconcile", () => configMapValue("survivor").then((v) => (v === "one" ? v : undefined)), 60_000);
  const [first] = stack.handlers;
  assert.ok(first !== undefined);
  first.kill();
  await applyWidget("survivor", "two");
  // A message the killed thread had received comes back after the 3 s visibility timeout.
  assert.equal(
    await waitFor("the change, reconciled by the remaining thread", () => configMapValue("survivor").then((v) => (v === "two" ? v : undefined)), 30_000),
    "two",
  );
});

test("wrapRun cannot cross into a worker thread: starting both is refused with the reason", async () => {
  await assert.rejects(startLocalStack({ handlerThreads: true, wrapRun: (run) => run }), /wrapRun needs in-process handlers/);
});
