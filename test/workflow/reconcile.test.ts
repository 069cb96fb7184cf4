import assert from "node:assert/strict";
import { test } from "node:test";
import { definitionFromObject } from "../../src/definitions/index.ts";
import { loadText } from "../../src/definitions/load.ts";
import { createKoreoRegistry } from "../../src/program/index.ts";
import type { ValueMap } from "../../src/value/value.ts";
import { boundKinds, triggerHash, workflowVersion, workflowsForKey } from "../../src/workflow/index.ts";
import {
  appCluster,
  conditionsOf,
  configMapFunction,
  DEMO,
  harness,
  managedResources,
  plain,
  program,
  statusOf,
  stored,
  trigger,
  valueFunction,
  workflow,
} from "../support/workflow.ts";
import { recordPatches } from "../support/workflow-reconcile.ts";
import { DEFAULT_TIMINGS } from "../../src/config/config.ts";
import { decide } from "../../src/reconciler/decide.ts";
import type { ReconcileReport } from "../../src/workflow/index.ts";

const CRD = "crdRef: {apiGroup: acme.example.com, version: v1, kind: App}";
const ECHO = valueFunction("echo", "return: {v: =inputs}");
const WAIT = valueFunction("waiter", "preconditions:\n  - assert: =parent_ok(inputs)\n    retry: {message: later, delay: 7}\nreturn: {v: 1}").replace(
  "=parent_ok(inputs)",
  "=has(inputs.ready)",
);
const FAIL = valueFunction("failer", "preconditions:\n  - assert: =false\n    permFail: {message: broken}\nreturn: {v: 1}");
const CM = configMapFunction("cm");
const BASE = ECHO + WAIT + FAIL + CM;

const OK_WF = workflow(
  "okflow",
  `${CRD}\nsteps:\n  - label: cfg\n    ref: {kind: ResourceFunction, name: cm}\n    inputs: {name: made, namespace: t, value: =parent.spec.v}\n    condition: {type: Config, name: config map}\n    state: {made: =value.name}\n`,
);

async function setup(yaml: string, objects = [trigger({ v: 1 })], hasStatus = false) {
  const registry = program(yaml);
  const cluster = appCluster(objects, hasStatus);
  const calls = recordPatches(cluster);
  return { registry, cluster, calls, h: harness(registry, calls.cluster) };
}

test("ST-1 one merge patch to the main endpoint with annotation, conditions, state and koreo", async () => {
  const { h, calls } = await setup(BASE + OK_WF);
  const report = await h.reconcile();
  assert.equal(calls.patches.length, 1);
  assert.equal(calls.patches[0]?.options?.subresource, undefined);
  assert.deepEqual(Object.keys(calls.patches[0]?.patch as object), ["metadata", "status"]);
  assert.deepEqual(Object.keys((calls.patches[0]?.patch as { status: object }).status), ["conditions", "state", "koreo"]);
  assert.deepEqual(report.patch, calls.patches[0]?.patch);
});

test("ST-1 recommendation: a kind with a status subresource is also patched on /status", async () => {
  const { h, calls } = await setup(BASE + OK_WF, [trigger({ v: 1 })], true);
  await h.reconcile();
  assert.deepEqual(
    calls.patches.map((p) => p.options?.subresource ?? "main"),
    ["main", "status"],
  );
});

test("ST-2 recommendation: an unchanged reconcile writes nothing and reports no patch", async () => {
  const { h, calls, cluster } = await setup(BASE + OK_WF);
  await h.reconcile();
  await h.reconcile();
  calls.patches.length = 0;
  h.clock.advance(60_000);
  const third = await h.reconcile();
  assert.equal(third.outcome.kind, "Ok");
  assert.equal(third.patch, undefined);
  assert.equal(calls.patches.length, 0);
  assert.equal(conditionsOf(await stored(cluster)).length, 2);
});

test("ST-3 ST-4 ST-5 conditions carry the reference shape, status 'True' and templated messages", async () => {
  const { h, cluster } = await setup(BASE + OK_WF);
  await h.reconcile();
  const [config, ready] = conditionsOf(await stored(cluster));
  assert.deepEqual(plain(config), {
    type: "Config",
    status: "True",
    reason: "Wait",
    message: "Awaiting config map to be ready (Creating ConfigMap:t:made.).",
    location: config?.location ?? null,
    lastTransitionTime: "2025-06-09T14:11:10.123000+00:00",
    lastUpdateTime: "2025-06-09T14:11:10.123000+00:00",
  });
  assert.equal(ready?.message, "Awaiting Workflow okflow to be ready (Creating ConfigMap:t:made.).");
  await h.reconcile();
  const after = conditionsOf(await stored(cluster));
  assert.deepEqual(
    after.map((c) => [c.reason, c.message, c.location]),
    [
      ["Ready", "config map ready.", "okflow"],
      ["Ready", "Workflow okflow ready.", "okflow"],
    ],
  );
});

test("ST-5 Skip, DepSkip and PermFail templates", async () => {
  const yaml =
    BASE +
    workflow(
      "tpl",
      `${CRD}\nsteps:\n  - label: gate\n    ref: {kind: ValueFunction, name: echo}\n    skipIf: =true\n    condition: {type: Gate, name: beacon gate}\n  - label: bad\n    ref: {kind: ValueFunction, name: failer}\n    condition: {type: Bad, name: bad thing}\n  - label: dep\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: =steps.gate}\n    condition: {type: Dep, name: dep thing}\n`,
    );
  const { h, cluster } = await setup(yaml);
  await h.reconcile();
  const byType = Object.fromEntries(conditionsOf(await stored(cluster)).map((c) => [c.type, c.message]));
  assert.equal(byType.Gate, "Skipping beacon gate: skipped by workflow");
  assert.equal(byType.Bad, "Unrecoverable error reconciling bad thing. (broken).");
  assert.match(String(byType.Dep), /^dep thing awaiting dependencies to be ready \('gate' was skipped \(skipped by workflow at None\)\.\)$/);
  assert.equal(byType.Ready, "Unrecoverable error reconciling Workflow tpl. (broken).");
});

test("ST-4 opt-in standard condition statuses", async () => {
  const { h, cluster } = await setup(BASE + OK_WF);
  await h.reconcile(DEMO, { standardConditionStatus: true });
  assert.deepEqual(
    conditionsOf(await stored(cluster)).map((c) => c.status),
    ["Unknown", "Unknown"],
  );
});

test("ST-6 two steps sharing a type give one entry at the first position with the later content; a step Ready is overwritten", async () => {
  const yaml =
    BASE +
    workflow(
      "share",
      `${CRD}\nsteps:\n  - label: one\n    ref: {kind: ValueFunction, name: echo}\n    condition: {type: Shared, name: first}\n  - label: two\n    ref: {kind: ValueFunction, name: failer}\n    condition: {type: Shared, name: second}\n  - label: three\n    ref: {kind: ValueFunction, name: echo}\n    condition: {type: Ready, name: mine}\n`,
    );
  const { h, cluster } = await setup(yaml);
  await h.reconcile();
  const conditions = conditionsOf(await stored(cluster));
  assert.deepEqual(
    conditions.map((c) => [c.type, c.message]),
    [
      ["Shared", "Unrecoverable error reconciling second. (broken)."],
      ["Ready", "Unrecoverable error reconciling Workflow share. (broken)."],
    ],
  );
});

test("ST-7 foreign conditions are dropped unless koreo.dev/merge-conditions is 'true'", async () => {
  const foreign = { conditions: [{ type: "Foreign", status: "True", reason: "X", message: "kept?" }] };
  const plainRun = await setup(BASE + OK_WF, [trigger({ v: 1 }, { status: foreign })]);
  await plainRun.h.reconcile();
  assert.deepEqual(
    conditionsOf(await stored(plainRun.cluster)).map((c) => c.type),
    ["Config", "Ready"],
  );
  const merged = await setup(BASE + OK_WF, [trigger({ v: 1 }, { status: foreign, annotations: { "koreo.dev/merge-conditions": "true" } })]);
  await merged.h.reconcile();
  assert.deepEqual(
    conditionsOf(await stored(merged.cluster)).map((c) => c.type),
    ["Foreign", "Config", "Ready"],
  );
});

test("ST-8 recommendation: lastTransitionTime is carried while status and reason stay; a reason change moves it", async () => {
  const yaml =
    BASE +
    OK_WF +
    workflow(
      "echoflow",
      "steps:\n  - label: one\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: =parent.spec.v}\n    condition: {type: Echo, name: echo}\n    state: {x: =value.v.x}\n",
    );
  const { h, cluster } = await setup(yaml);
  await h.reconcile();
  h.clock.advance(1000);
  await h.reconcile();
  const [config] = conditionsOf(await stored(cluster));
  assert.equal(config?.lastTransitionTime, "2025-06-09T14:11:11.123000+00:00", "Wait → Ready is a transition");
  // A run that writes (state changes) but keeps the condition's status and reason carries it.
  const echo = await setup(yaml, [trigger({ v: 1 }, { annotations: { "koreo.dev/workflow": "echoflow" } })]);
  await echo.h.reconcile();
  echo.h.clock.advance(5000);
  await echo.cluster.mergePatch(DEMO, { spec: { v: 2 } });
  const report = await echo.h.reconcile();
  assert.ok(report.patch !== undefined);
  const [echoCondition] = conditionsOf(await stored(echo.cluster));
  assert.equal(echoCondition?.lastTransitionTime, "2025-06-09T14:11:10.123000+00:00");
  assert.equal(echoCondition?.lastUpdateTime, "2025-06-09T14:11:15.123000+00:00");
});

test("ST-9 state: produced keys set, absent keys kept, null deletes; empty state sends {}", async () => {
  const yaml =
    BASE +
    workflow(
      "st",
      `${CRD}\nsteps:\n  - label: one\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: =parent.spec.x}\n    skipIf: =parent.spec.skip\n    state: {x: =value.v.x, gone: =null}\n`,
    );
  const { h, cluster } = await setup(yaml, [trigger({ x: 1, skip: false }, { status: { state: { old: 1, gone: 2 } } })]);
  await h.reconcile();
  assert.deepEqual(plain(statusOf(await stored(cluster)).state), { old: 1, x: 1 });
  const empty = await setup(BASE + workflow("none", `${CRD}\nsteps:\n  - label: one\n    ref: {kind: ValueFunction, name: echo}\n`));
  await empty.h.reconcile();
  assert.deepEqual(plain(statusOf(await stored(empty.cluster)).state), {});
});

test("ST-10 status.koreo holds errors and locations on Retry, and becomes {} when Ok without state errors", async () => {
  const { h, cluster } = await setup(BASE + OK_WF);
  await h.reconcile();
  const koreo = statusOf(await stored(cluster)).koreo as Record<string, unknown>;
  assert.equal(koreo.errors, "Creating ConfigMap:t:made.");
  assert.equal(typeof koreo.locations, "string");
  await h.reconcile();
  assert.deepEqual(plain(statusOf(await stored(cluster)).koreo), {});
});

test("ST-11 the managed-resources annotation is compact JSON in declaration order; {} when no step ran", async () => {
  const { h, cluster } = await setup(BASE + OK_WF);
  await h.reconcile();
  const parent = await stored(cluster);
  const text = (parent.metadata as { annotations: Record<string, string> }).annotations["koreo.dev/managed-resources"];
  assert.ok(text !== undefined && !text.includes(" "));
  assert.deepEqual(plain(managedResources(parent)), {
    workflow: "okflow",
    resources: { cfg: { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", name: "made", readonly: false, namespace: "t", resourceFunction: "cm" } },
  });
  const broken = await setup(workflow("nr", `${CRD}\nsteps:\n  - label: one\n    ref: {kind: ValueFunction, name: gone}\n`));
  await broken.h.reconcile();
  assert.deepEqual(plain(managedResources(await stored(broken.cluster))), {});
});

test("ST-12 CTL-9 no Workflow for the kind writes a NoWorkflow Ready 'false' and retries in 120 s", async () => {
  const { h, cluster, calls } = await setup(BASE);
  const report = await h.reconcile();
  assert.equal(report.status, "selection-error");
  assert.equal(nextDueSeconds(report), 120);
  const parent = await stored(cluster);
  assert.deepEqual(
    conditionsOf(parent).map((c) => [c.type, c.status, c.reason, c.message]),
    [["Ready", "false", "NoWorkflow", "Failed to find Workflow for `acme.example.com:App:v1`"]],
  );
  assert.deepEqual(plain(statusOf(parent).koreo), { errors: "Failed to find Workflow for `acme.example.com:App:v1`" });
  assert.equal(managedResources(parent), null);
  // CTL-9 recommendation: the same error again is not rewritten.
  calls.patches.length = 0;
  h.clock.advance(120_000);
  await h.reconcile();
  assert.equal(calls.patches.length, 0);
});

test("CTL-9 MultipleWorkflows, annotation-named NoWorkflow, WorkflowNotReady", async () => {
  const two = await setup(BASE + OK_WF + OK_WF.replace("name: okflow", "name: other"));
  const a = await two.h.reconcile();
  assert.equal(a.outcome.kind === "Retry" && a.outcome.message, "Multiple Workflows attempted to run (okflow,other)");
  const named = await setup(BASE + OK_WF, [trigger({ v: 1 }, { annotations: { "koreo.dev/workflow": "nope" } })]);
  const b = await named.h.reconcile();
  assert.equal(b.outcome.kind === "Retry" && b.outcome.message, "Failed to find User Requested Workflow (nope) for `acme.example.com:App:v1`");
  const invalid = await setup(BASE + workflow("inv", `${CRD}\nsteps:\n  - label: x\n    ref: {kind: ValueFunction, name: echo}\n`));
  const c = await invalid.h.reconcile();
  assert.match(c.outcome.kind === "Retry" ? (c.outcome.message ?? "") : "", /^Workflow `inv` not ready .+\.$/);
  assert.equal(conditionsOf(await stored(invalid.cluster))[0]?.reason, "WorkflowNotReady");
});

test("CTL-9 the koreo.dev/workflow annotation picks a Workflow without checking its crdRef", async () => {
  const unbound = workflow("free", "steps:\n  - label: one\n    ref: {kind: ValueFunction, name: echo}\n");
  const { h } = await setup(BASE + OK_WF + unbound, [trigger({ v: 1 }, { annotations: { "koreo.dev/workflow": "free" } })]);
  const report = await h.reconcile();
  assert.equal(report.workflow, "free");
  assert.equal(report.outcome.kind, "Ok");
});

/** When the runtime runs the trigger again after this report: its one decision (decide), jitter at the midpoint. */
function nextDueSeconds(report: ReconcileReport): number | undefined {
  const decision = decide(report, 0, DEFAULT_TIMINGS, () => 0.5);
  return decision.kind === "requeue" ? decision.afterSeconds : undefined;
}

test("CTL-14 next due: Retry delay, 1200 s resync for Ok, none for PermFail", async () => {
  const ok = await setup(BASE + workflow("o", `${CRD}\nsteps:\n  - label: one\n    ref: {kind: ValueFunction, name: echo}\n`));
  assert.equal(nextDueSeconds(await ok.h.reconcile()), 1200);
  const wait = await setup(BASE + workflow("w", `${CRD}\nsteps:\n  - label: one\n    ref: {kind: ValueFunction, name: waiter}\n`));
  assert.equal(nextDueSeconds(await wait.h.reconcile()), 7);
  const fail = await setup(BASE + workflow("f", `${CRD}\nsteps:\n  - label: one\n    ref: {kind: ValueFunction, name: failer}\n`));
  const report = await fail.h.reconcile();
  assert.equal(report.outcome.kind, "PermFail");
  assert.equal(nextDueSeconds(report), undefined);
});

test("CTL-12 a missing trigger is not-found with no writes; a 404 on the patch is not-found too", async () => {
  const { h, calls } = await setup(BASE + OK_WF, []);
  const report = await h.reconcile();
  assert.equal(report.status, "not-found");
  assert.equal(calls.patches.length, 0);
  const gone = await setup(BASE + OK_WF);
  gone.cluster.failNext("mergePatch", { reason: "NotFound", status: 404, message: "gone" });
  assert.equal((await gone.h.reconcile()).status, "not-found");
});

test("CTL-12 another API failure on the patch is a system error for the caller's backoff", async () => {
  const { h, cluster } = await setup(BASE + OK_WF);
  cluster.failNext("mergePatch", { reason: "Unavailable", status: 503, message: "down" });
  const report = await h.reconcile();
  assert.equal(report.status, "system-error");
  assert.match(report.error ?? "", /down/);
});

test("CTL-16 recommendation: a terminating trigger is skipped without writes", async () => {
  const { h, calls } = await setup(BASE + OK_WF, [trigger({ v: 1 }, { deletionTimestamp: "2025-06-09T14:00:00Z" })]);
  const report = await h.reconcile();
  assert.equal(report.status, "terminating");
  assert.equal(calls.patches.length, 0);
});

test("CTL-17 objects a Workflow no longer produces are not deleted", async () => {
  const yaml =
    BASE +
    workflow(
      "prune",
      `${CRD}\nsteps:\n  - label: cfg\n    ref: {kind: ResourceFunction, name: cm}\n    skipIf: =parent.spec.off\n    inputs: {name: kept, namespace: t, value: 1}\n`,
    );
  const { h, cluster } = await setup(yaml, [trigger({ off: false })]);
  await h.reconcile();
  await cluster.mergePatch(DEMO, { spec: { off: true } });
  const report = await h.reconcile();
  assert.equal(report.outcome.kind, "Skip");
  assert.ok((await cluster.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "t", name: "kept" })).ok);
});

test("CTL-8 recommendation: the hash covers labels, annotations and spec, not status nor Koreo's own annotation", () => {
  const base = trigger({ v: 1 });
  const same = trigger(
    { v: 1 },
    { status: { state: { x: 1 } }, annotations: { "koreo.dev/managed-resources": "{}", "kubectl.kubernetes.io/last-applied-configuration": "x" } },
  );
  assert.equal(triggerHash(base), triggerHash(same));
  assert.notEqual(triggerHash(base), triggerHash(trigger({ v: 2 })));
  assert.notEqual(triggerHash(base), triggerHash(trigger({ v: 1 }, { annotations: { "koreo.dev/last-manual-reconcile": "now" } })));
  assert.notEqual(triggerHash(base), triggerHash(trigger({ v: 1 }, { annotations: { "koreo.dev/workflow": "x" } })));
  assert.match(triggerHash(base), /^[0-9a-f]{64}$/);
});

test("CTL-18 Koreo reads koreo.dev/workflow and merge-conditions and writes only managed-resources", async () => {
  const { h, cluster } = await setup(BASE + OK_WF);
  await h.reconcile();
  const metadata = (await stored(cluster)).metadata as { annotations: Record<string, string> };
  assert.deepEqual(Object.keys(metadata.annotations), ["koreo.dev/managed-resources"]);
});

test("ST-13 no finalizer, owner reference or label is added to the trigger", async () => {
  const { h, cluster } = await setup(BASE + OK_WF);
  await h.reconcile();
  const metadata = (await stored(cluster)).metadata as Record<string, unknown>;
  assert.equal(metadata.finalizers, undefined);
  assert.equal(metadata.ownerReferences, undefined);
  assert.equal(metadata.labels, undefined);
});

test("CTL-11 the run uses the Workflow captured at selection even if the registry changes meanwhile", async () => {
  const { registry, cluster } = await setup(BASE + OK_WF);
  const replacement = loadText(workflow("okflow", `${CRD}\nsteps:\n  - label: other\n    ref: {kind: ValueFunction, name: echo}\n`), "new.yaml").definitions;
  // The definition changes while the first step is reading its ConfigMap.
  const changing = {
    ...cluster,
    get: (ref: Parameters<typeof cluster.get>[0]) => {
      if (ref.kind === "ConfigMap") for (const d of replacement) registry.upsert(d);
      return cluster.get(ref);
    },
  };
  const report = await harness(registry, changing).reconcile();
  assert.deepEqual(
    report.steps.map((s) => s.label),
    ["cfg"],
  );
  assert.deepEqual(registry.get("Workflow", "okflow")?.definition.spec.steps !== undefined, true);
});

test("SRV-3 workflowVersion changes when a transitively referenced definition changes, not otherwise", () => {
  const registry = program(
    BASE +
      workflow("inner", "steps:\n  - label: one\n    ref: {kind: ValueFunction, name: echo}\n") +
      workflow("outer", `${CRD}\nsteps:\n  - label: call\n    ref: {kind: Workflow, name: inner}\n`),
  );
  const before = workflowVersion("outer", registry);
  assert.equal(
    workflowVersion(
      "outer",
      program(
        BASE +
          workflow("inner", "steps:\n  - label: one\n    ref: {kind: ValueFunction, name: echo}\n") +
          workflow("outer", `${CRD}\nsteps:\n  - label: call\n    ref: {kind: Workflow, name: inner}\n`),
      ),
    ),
    before,
  );
  for (const d of loadText(valueFunction("echo", "return: {v: 2}"), "x.yaml").definitions) registry.upsert(d);
  assert.notEqual(workflowVersion("outer", registry), before);
});

test("SRV-3 / CRD-4 workflowVersion of cluster definitions follows uid and generation: a status-only write keeps it, a spec change moves it", () => {
  const fromCluster = (text: string, resourceVersion: string, generation: bigint) =>
    loadText(text, "x.yaml").definitions.map((d) => {
      const metadata = { ...(d.raw.metadata as ValueMap), uid: `uid-${d.name}`, resourceVersion, generation };
      const object = definitionFromObject({ ...d.raw, metadata });
      assert.ok(!("severity" in object));
      return object;
    });
  const registry = createKoreoRegistry();
  const uses = workflow("uses-echo", `${CRD}\nsteps:\n  - label: one\n    ref: {kind: ValueFunction, name: echo}\n`);
  for (const d of fromCluster(ECHO + uses, "10", 1n)) registry.upsert(d);
  const before = workflowVersion("uses-echo", registry);
  for (const d of fromCluster(valueFunction("echo", "return: {v: =inputs.v}"), "11", 1n)) registry.upsert(d);
  assert.equal(workflowVersion("uses-echo", registry), before, "new resourceVersion, same generation (status write)");
  for (const d of fromCluster(valueFunction("echo", "return: {v: 2}"), "12", 2n)) registry.upsert(d);
  assert.notEqual(workflowVersion("uses-echo", registry), before, "spec change bumps generation");
});

test("CTL-5 Workflows are indexed by <apiGroup>:<kind>:<version>; boundKinds lists what the relay watches", () => {
  const registry = program(BASE + OK_WF + workflow("unbound", "steps:\n  - label: one\n    ref: {kind: ValueFunction, name: echo}\n"));
  assert.deepEqual(workflowsForKey(registry, "acme.example.com:App:v1"), ["okflow"]);
  assert.deepEqual(boundKinds(registry), [{ apiVersion: "acme.example.com/v1", kind: "App", key: "acme.example.com:App:v1", workflows: ["okflow"] }]);
});
