/**
 * `npm start` behaves like a cluster-wide controller for the user's own programs: with the default
 * flags, definitions applied into `default` run a trigger in `demo`; each reconcile's console line
 * says why when not Ok; outcome transitions become Events on the trigger (a repeat bumps `count`).
 * Over real HTTP (embedded API server, client-node) and fauxqs.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startEnv } from "../../src/cli/commands/start.ts";
import type { KubeObject } from "../../src/cluster/cluster-api.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { liveLogger } from "../../src/local/live.ts";
import { startLocalStack, type LocalStack } from "../../src/local/stack.ts";
import { isList, isMap, type Value } from "../../src/value/value.ts";
import { waitFor } from "../support/e2e.ts";

const PROGRAM = fileURLToPath(new URL("./fixtures/gadget-program.yaml", import.meta.url));
const gadget = (name: string) => ({ apiVersion: "demo.koreo.test/v1", kind: "Gadget", namespace: "demo", name });
const lines: string[] = [];
let stack: LocalStack;

before(async () => {
  stack = await startLocalStack({
    env: { ...startEnv({ namespace: undefined, definitionsNamespace: undefined }, {}), KOREO_DEFINITIONS_TTL_SECONDS: "1" },
    logger: liveLogger((line) => lines.push(line)),
  });
  await applyManifests(stack.cluster, readManifests([PROGRAM]));
  assert.ok((await stack.cluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } }, { fieldManager: "e2e", force: true })).ok);
});
after(async () => stack?.stop());

async function applyGadget(name: string, spec: Record<string, Value>): Promise<void> {
  const applied = await stack.cluster.apply(
    { apiVersion: "demo.koreo.test/v1", kind: "Gadget", metadata: { name, namespace: "demo" }, spec },
    { fieldManager: "e2e", force: true },
  );
  assert.ok(applied.ok, applied.ok ? "" : applied.error.message);
}

async function readyReason(name: string): Promise<string | undefined> {
  const got = await stack.cluster.get(gadget(name));
  const conditions = got.ok && isMap(got.value.status) ? got.value.status.conditions : undefined;
  const ready = isList(conditions) ? conditions.find((c) => isMap(c) && c.type === "Ready") : undefined;
  return isMap(ready) && typeof ready.reason === "string" ? ready.reason : undefined;
}

async function eventsFor(name: string): Promise<KubeObject[]> {
  const listed = await stack.cluster.list("v1", "Event", { namespace: "demo" });
  assert.ok(listed.ok, listed.ok ? "" : listed.error.message);
  return listed.value.items.filter((e) => isMap(e.involvedObject) && e.involvedObject.name === name && e.involvedObject.kind === "Gadget");
}

const countOf = (event: KubeObject | undefined) => Number(event?.count ?? 0);

test("npm start defaults: definitions from `default`, a trigger in `demo` converges to Ready", async () => {
  await waitFor("the relay to watch Gadget in every namespace", () => stack.relay.watchedKinds().includes("demo.koreo.test/v1:Gadget|") || undefined);
  await applyGadget("g1", { value: "one" });
  await waitFor("g1 to be Ready", async () => ((await readyReason("g1")) === "Ready" ? true : undefined));
  const got = await stack.cluster.get(gadget("g1"));
  assert.ok(got.ok && isMap(got.value.status));
  assert.deepEqual(got.value.status.state, { value: "one" });
});

test("a failing pass: its console line carries the outcome's message and the step; the trigger says Failure", async () => {
  await applyGadget("g1", { value: "one", fail: true });
  await waitFor("g1 to fail", async () => ((await readyReason("g1")) === "Failure" ? true : undefined));
  const line = await waitFor("the PermFail line", () => lines.find((l) => l.includes("Gadget:demo/g1") && l.includes("PermFail")));
  assert.match(line, /step check: .*g1 asked to fail/);
  assert.ok(
    lines.filter((l) => l.includes("Gadget:demo/g1") && / Ok /.test(l)).every((l) => !l.includes("step ")),
    "an Ok line says nothing more",
  );
});

test("Events: one per outcome transition on the trigger; the same outcome again bumps its count", async () => {
  const failure = await waitFor("the Failure event", async () => (await eventsFor("g1")).find((e) => e.reason === "Failure"));
  assert.equal(failure.type, "Warning");
  assert.match(String(failure.message), /g1 asked to fail/);
  const ready = (await eventsFor("g1")).find((e) => e.reason === "Ready");
  assert.equal(ready?.type, "Normal");
  assert.equal(countOf(ready), 1);
  await applyGadget("g1", { value: "one", fail: false });
  await waitFor("g1 Ready again", async () => ((await readyReason("g1")) === "Ready" ? true : undefined));
  const again = await waitFor("the Ready event's count to reach 2", async () => {
    const event = (await eventsFor("g1")).find((e) => e.reason === "Ready");
    return countOf(event) === 2 ? event : undefined;
  });
  assert.notEqual(again.firstTimestamp, undefined);
  assert.equal((await eventsFor("g1")).length, 2, "no new Event for a repeat");
});

test("a trigger whose Workflow is missing: a console line saying so and its not-ready condition", async () => {
  const applied = await stack.cluster.apply(
    {
      apiVersion: "demo.koreo.test/v1",
      kind: "Gadget",
      metadata: { name: "g2", namespace: "demo", annotations: { "koreo.dev/workflow": "no-such-workflow" } },
      spec: { value: "two" },
    },
    { fieldManager: "e2e", force: true },
  );
  assert.ok(applied.ok);
  await waitFor("g2's NoWorkflow condition", async () => ((await readyReason("g2")) === "NoWorkflow" ? true : undefined));
  const line = await waitFor("g2's line", () => lines.find((l) => l.includes("Gadget:demo/g2")));
  assert.match(line, /Retry .*Failed to find User Requested Workflow \(no-such-workflow\)/);
  const event = await waitFor("g2's event", async () => (await eventsFor("g2"))[0]);
  assert.deepEqual([event.reason, event.type], ["NoWorkflow", "Warning"]);
});
