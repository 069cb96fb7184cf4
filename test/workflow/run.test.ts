import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClusterApi } from "../../src/cluster/cluster-api.ts";
import type { DefinitionLookup, RegistryEntry } from "../../src/definitions/definition.ts";
import { loadText } from "../../src/definitions/load.ts";
import { Outcome } from "../../src/outcome/outcome.ts";
import { prepareWorkflow, realTimer, runWorkflow, type PreparedWorkflow } from "../../src/workflow/index.ts";
import {
  appCluster,
  configMapFunction,
  conditionsOf,
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

const CRD = "crdRef: {apiGroup: acme.example.com, version: v1, kind: App}";
const ECHO = valueFunction("echo", "return: {v: =inputs}");
const CM = configMapFunction("cm");
const SKIP = valueFunction("skipper", "preconditions:\n  - assert: =false\n    skip: {message: not today}\nreturn: {v: 1}");
const WAIT = valueFunction("waiter", "preconditions:\n  - assert: =false\n    retry: {message: later, delay: 7}\nreturn: {v: 1}");
const FAIL = valueFunction("failer", "preconditions:\n  - assert: =false\n    permFail: {message: broken}\nreturn: {v: 1}");
const FUNCTIONS = ECHO + CM + SKIP + WAIT + FAIL;

async function run(steps: string, spec: Record<string, unknown> = {}, extra = "") {
  const registry = program(FUNCTIONS + extra + workflow("wf", `${CRD}\nsteps:\n${steps}`));
  const cluster = appCluster([trigger(spec as never)]);
  const report = await harness(registry, cluster, { stepBudgetMs: 2000 }).reconcile();
  return { report, cluster, parent: await stored(cluster) };
}

const stepOutcome = (report: Awaited<ReturnType<typeof run>>["report"], label: string) => report.steps.find((s) => s.label === label);

test("WF-11 independent steps run concurrently", async () => {
  const registry = program(
    CM +
      workflow(
        "wf",
        `${CRD}\nsteps:\n  - label: one\n    ref: {kind: ResourceFunction, name: cm}\n    inputs: {name: one, namespace: t, value: 1}\n  - label: two\n    ref: {kind: ResourceFunction, name: cm}\n    inputs: {name: two, namespace: t, value: 2}`,
      ),
  );
  const inner = appCluster([trigger({})]);
  // Each ConfigMap read waits until both steps are reading: only concurrent steps get past it.
  let release: () => void = () => {};
  const bothReading = new Promise<void>((resolve) => (release = resolve));
  let reading = 0;
  const cluster: ClusterApi = {
    ...inner,
    get: async (ref) => {
      if (ref.kind === "ConfigMap" && ++reading === 2) release();
      if (ref.kind === "ConfigMap") await bothReading;
      return inner.get(ref);
    },
  };
  const report = await harness(registry, cluster, { stepBudgetMs: 5000 }).reconcile();
  assert.deepEqual(
    report.steps.map((s) => s.message),
    ["Creating ConfigMap:t:one.", "Creating ConfigMap:t:two."],
  );
});

test("WF-11 reports are processed in declaration order whatever the completion order", async () => {
  const { report } = await run(
    "  - label: slow\n    ref: {kind: ResourceFunction, name: cm}\n    inputs: {name: s, namespace: t, value: 1}\n    state: {who: slow}\n  - label: fast\n    ref: {kind: ValueFunction, name: echo}\n    state: {who: fast}\n",
  );
  assert.deepEqual(
    report.steps.map((s) => s.label),
    ["slow", "fast"],
  );
});

test("WF-12 a step sees parent and only its dependencies under steps", async () => {
  const { report, parent } = await run(
    "  - label: aaa\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: 1}\n  - label: bbb\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: 2}\n  - label: ccc\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {keys: =steps.aaa.v.x, parentName: =parent.metadata.name}\n    state: {c: =value.v}\n",
  );
  assert.equal(report.outcome.kind, "Ok");
  assert.deepEqual(plain(statusOf(parent).state), { c: { keys: 1, parentName: "demo" } });
});

test("WF-12 a step without dependencies has no steps variable", async () => {
  const { report } = await run("  - label: aaa\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: =has(steps.zzz)}\n");
  assert.equal(report.outcome.kind, "PermFail");
});

test("WF-13 an inputs failure is the step's PermFail and skipIf is not consulted", async () => {
  const { report } = await run("  - label: aaa\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: =parent.spec.missing.deeper}\n    skipIf: =true\n");
  assert.equal(stepOutcome(report, "aaa")?.outcome, "PermFail");
});

test("WF-14 a dependency's Retry makes the step DepSkip naming it, at the step location", async () => {
  const { report } = await run(
    "  - label: aaa\n    ref: {kind: ValueFunction, name: waiter}\n  - label: bbb\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: =steps.aaa}\n",
  );
  const bbb = stepOutcome(report, "bbb");
  assert.equal(bbb?.outcome, "DepSkip");
  assert.match(bbb?.message ?? "", /^'aaa' is waiting \(later at .+\)\.$/);
});

test("WF-14 messages for Skip, PermFail and DepSkip dependencies; the first non-Ok in declaration order is named", async () => {
  const { report } = await run(
    "  - label: sss\n    ref: {kind: ValueFunction, name: skipper}\n  - label: ppp\n    ref: {kind: ValueFunction, name: failer}\n" +
      "  - label: sk2\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: =steps.sss}\n" +
      "  - label: pf2\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: =steps.ppp}\n" +
      "  - label: both\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {y: =steps.ppp, x: =steps.sss}\n" +
      "  - label: ds2\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: =steps.sk2}\n",
  );
  assert.match(stepOutcome(report, "sk2")?.message ?? "", /^'sss' was skipped \(not today at .+\)\.$/);
  assert.match(stepOutcome(report, "pf2")?.message ?? "", /^'ppp' is in failure state \(broken at .+\)\.$/);
  assert.match(stepOutcome(report, "both")?.message ?? "", /^'sss' was skipped/);
  assert.equal(stepOutcome(report, "ds2")?.message, `'sk2' is waiting on dependency (${stepOutcome(report, "sk2")?.message} at wf.spec.steps.sk2).`);
});

test("WF-15 skipIf true skips with 'skipped by workflow'; a non-bool is a PermFail naming the type", async () => {
  const { report } = await run(
    "  - label: aaa\n    ref: {kind: ValueFunction, name: echo}\n    skipIf: =parent.spec.off\n  - label: bbb\n    ref: {kind: ValueFunction, name: echo}\n    skipIf: =parent.spec.word\n",
    { off: true, word: "yes" },
  );
  assert.deepEqual(stepOutcome(report, "aaa"), { label: "aaa", outcome: "Skip", message: "skipped by workflow" });
  assert.deepEqual(stepOutcome(report, "bbb"), { label: "bbb", outcome: "PermFail", message: "`skipIf` must evaluate to a bool, received 'yes' a string" });
});

test("WF-16 WF-18 a ValueFunction sees exactly the evaluated inputs and its return is the step value", async () => {
  const { parent } = await run(
    "  - label: aaa\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {static: '5', expr: =parent.spec.n * 2}\n    state: {got: =value.v}\n",
    { n: 4 },
  );
  assert.deepEqual(plain(statusOf(parent).state), { got: { static: 5, expr: 8 } });
});

test("WF-17 parent is {metadata, spec, state}: no kind, no apiVersion, no status", async () => {
  const { parent } = await run(
    "  - label: aaa\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {hasKind: =has(parent.kind), hasStatus: =has(parent.status), keys: '=parent.state == null'}\n    state: {view: =value.v}\n",
  );
  assert.deepEqual(plain(statusOf(parent).state), { view: { hasKind: false, hasStatus: false, keys: true } });
});

test("WF-19 ResourceFunctions get the trigger as owner and report their identity record", async () => {
  const { report, cluster, parent } = await run(
    "  - label: cfg\n    ref: {kind: ResourceFunction, name: cm}\n    inputs: {name: made, namespace: t, value: 1}\n",
  );
  assert.equal(report.outcome.kind, "Retry");
  const made = await cluster.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "t", name: "made" });
  assert.ok(made.ok);
  assert.deepEqual(plain((made.value.metadata as { ownerReferences: never }).ownerReferences), [
    { apiVersion: "acme.example.com/v1", kind: "App", name: "demo", uid: "uid-demo", blockOwnerDeletion: true, controller: false },
  ]);
  assert.deepEqual(plain(managedResources(parent)), {
    workflow: "wf",
    resources: { cfg: { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", name: "made", readonly: false, namespace: "t", resourceFunction: "cm" } },
  });
});

const SUB = workflow(
  "sub",
  "steps:\n  - label: inner\n    ref: {kind: ResourceFunction, name: cm}\n    inputs: {name: =parent.name, namespace: t, value: =parent.value}\n    condition: {type: Inner, name: inner thing}\n    state: {made: =value.name}\n",
);

test("WF-20 a sub-Workflow sees inputs as parent, uses the top-level owner, and its value is its state", async () => {
  const extra = SUB;
  const steps = "  - label: call\n    ref: {kind: Workflow, name: sub}\n    inputs: {name: nested, value: 3}\n    state: {sub: =value}\n";
  const registry = program(FUNCTIONS + extra + workflow("wf", `${CRD}\nsteps:\n${steps}`));
  const cluster = appCluster([trigger({})]);
  const h = harness(registry, cluster);
  await h.reconcile();
  const second = await h.reconcile();
  assert.equal(second.outcome.kind, "Ok");
  const parent = await stored(cluster);
  assert.deepEqual(plain(statusOf(parent).state), { sub: { made: "nested" } });
  // Conditions from inside the sub-Workflow are discarded.
  assert.deepEqual(
    conditionsOf(parent).map((c) => c.type),
    ["Ready"],
  );
  const made = await cluster.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "t", name: "nested" });
  assert.ok(made.ok && JSON.stringify(plain(made.value)).includes("uid-demo"));
  // ST-11: nested managed-resources entry.
  assert.deepEqual(plain(managedResources(parent)), {
    workflow: "wf",
    resources: {
      call: {
        workflow: "sub",
        resources: {
          inner: { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", name: "nested", readonly: false, namespace: "t", resourceFunction: "cm" },
        },
      },
    },
  });
});

test("WF-20 a sub-Workflow whose preparation is not Ok gives that outcome with the top-level name", async () => {
  const extra = workflow("sub", "steps:\n  - label: inner\n    ref: {kind: ValueFunction, name: absent}\n");
  const { report, parent } = await run("  - label: call\n    ref: {kind: Workflow, name: sub}\n", {}, extra);
  assert.deepEqual(report.outcome, {
    kind: "Retry",
    delay: 15,
    message: "'ValueFunction:absent' not cached; will retry.",
    location: "wf:spec.steps['inner'].ValueFunction:absent",
  });
  assert.deepEqual(plain(managedResources(parent)), { workflow: "wf", resources: { call: {} } });
});

test("WF-22 refSwitch picks the matching case, else the default; an int matches its decimal case", async () => {
  const { parent } = await run(
    "  - label: pick\n    refSwitch:\n      switchOn: =inputs.mode\n      cases:\n        - {case: a, kind: ValueFunction, name: echo}\n        - {case: '2', kind: ValueFunction, name: skipper}\n        - {case: z, kind: ValueFunction, name: failer, default: true}\n    inputs: {mode: a}\n    state: {picked: =value.v.mode}\n" +
      "  - label: num\n    refSwitch:\n      switchOn: =parent.spec.n\n      cases:\n        - {case: '2', kind: ValueFunction, name: skipper}\n        - {case: z, kind: ValueFunction, name: failer, default: true}\n    condition: {type: Num, name: numbered}\n",
    { n: 2 },
  );
  assert.deepEqual(plain(statusOf(parent).state), { picked: "a" });
  assert.equal(conditionsOf(parent).find((c) => c.type === "Num")?.reason, "Skip");
});

test("WF-22 no matching case and no default is a PermFail; a non string/int switchOn too", async () => {
  const { report } = await run(
    "  - label: nomatch\n    refSwitch:\n      switchOn: =parent.spec.mode\n      cases: [{case: a, kind: ValueFunction, name: echo}]\n" +
      "  - label: badtype\n    refSwitch:\n      switchOn: =parent.spec.flag\n      cases: [{case: a, kind: ValueFunction, name: echo}]\n",
    { mode: "q", flag: true },
  );
  assert.equal(
    stepOutcome(report, "nomatch")?.message,
    "`refSwitch` must match one case or a default must be provided, failed to match 'q' a string. Use a `skipIf` guard if this is expected.",
  );
  assert.match(stepOutcome(report, "badtype")?.message ?? "", /^`switchOn` must evaluate to a string or int value, received/);
});

test("WF-24 forEach runs per item with inputKey replacing a static input, values in item order", async () => {
  const { parent } = await run(
    "  - label: each\n    ref: {kind: ValueFunction, name: echo}\n    forEach: {itemIn: =parent.spec.items, inputKey: item}\n    inputs: {item: static, keep: 1}\n    state: {all: =value}\n",
    { items: [3, 1, 2] },
  );
  assert.deepEqual(plain(statusOf(parent).state), { all: [{ v: { item: 3, keep: 1 } }, { v: { item: 1, keep: 1 } }, { v: { item: 2, keep: 1 } }] });
});

test("WF-24 an empty list is Ok [] with a null resources entry; a non-list is a PermFail", async () => {
  const { report, parent } = await run(
    "  - label: none\n    ref: {kind: ResourceFunction, name: cm}\n    forEach: {itemIn: '=[]', inputKey: item}\n    state: {none: =value}\n  - label: notlist\n    ref: {kind: ValueFunction, name: echo}\n    forEach: {itemIn: =parent.spec.x, inputKey: item}\n",
    { x: 5 },
  );
  assert.deepEqual(plain(statusOf(parent).state), { none: [] });
  assert.equal(stepOutcome(report, "notlist")?.message, "Step `wf.spec.steps.notlist.forEach.itemIn` must be a list-type, received int.");
  assert.deepEqual(plain(managedResources(parent)), { workflow: "wf", resources: { none: null, notlist: null } });
});

test("WF-24 skipped items become OUT-5 markers; item errors combine per OUT-4 with the max delay", async () => {
  const { parent } = await run(
    '  - label: mixed\n    refSwitch:\n      switchOn: =inputs.item\n      cases:\n        - {case: s, kind: ValueFunction, name: skipper}\n        - {case: e, kind: ValueFunction, name: echo, default: true}\n    forEach: {itemIn: \'=["e", "s"]\', inputKey: item}\n    state: {mixed: =value}\n',
  );
  assert.deepEqual(plain(statusOf(parent).state), { mixed: [{ v: { item: "e" } }, "Skip (message=not today)"] });
  const { report } = await run("  - label: errs\n    ref: {kind: ValueFunction, name: waiter}\n    forEach: {itemIn: '=[1, 2]', inputKey: item}\n");
  assert.equal(report.outcome.kind === "Retry" && report.outcome.delay, 7);
  assert.equal(report.outcome.kind === "Retry" && report.outcome.message, "later, later");
});

test("WF-25 forEach over a sub-Workflow runs it per item; managed resources are a list of nested entries", async () => {
  const steps = '  - label: many\n    ref: {kind: Workflow, name: sub}\n    forEach: {itemIn: \'=["m1", "m2"]\', inputKey: name}\n    inputs: {value: 1}\n';
  const { parent, cluster } = await run(steps, {}, SUB);
  const maps = await cluster.list("v1", "ConfigMap", { namespace: "t" });
  assert.ok(maps.ok);
  assert.deepEqual(maps.value.items.map((m) => (m.metadata as { name: string }).name).sort(), ["m1", "m2"]);
  const resources = managedResources(parent) as { resources: { many: Array<{ workflow: string }> } };
  assert.deepEqual(
    resources.resources.many.map((e) => e.workflow),
    ["sub", "sub"],
  );
});

test("WF-26 WF-27 PermFail beats Retry, Retry beats Ok; one Ok among skips makes the Workflow Ok", async () => {
  const a = await run("  - label: www\n    ref: {kind: ValueFunction, name: waiter}\n  - label: fff\n    ref: {kind: ValueFunction, name: failer}\n");
  assert.deepEqual(
    { kind: a.report.outcome.kind, message: a.report.outcome.kind === "PermFail" && a.report.outcome.message },
    { kind: "PermFail", message: "broken" },
  );
  const b = await run("  - label: sss\n    ref: {kind: ValueFunction, name: skipper}\n  - label: okk\n    ref: {kind: ValueFunction, name: echo}\n");
  assert.equal(b.report.outcome.kind, "Ok");
  assert.equal(conditionsOf(b.parent).find((c) => c.type === "Ready")?.reason, "Ready");
  const c = await run("  - label: sss\n    ref: {kind: ValueFunction, name: skipper}\n");
  assert.equal(c.report.outcome.kind, "Skip");
});

test("WF-28 a step still running at the deadline ends Retry 30 with the timeout message", async () => {
  const registry = program(
    CM +
      ECHO +
      workflow(
        "wf",
        `${CRD}\nsteps:\n  - label: stuck\n    ref: {kind: ResourceFunction, name: cm}\n    inputs: {name: s, namespace: t, value: 1}\n    condition: {type: Stuck, name: stuck thing}\n  - label: after\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: =steps.stuck}\n  - label: free\n    ref: {kind: ValueFunction, name: echo}\n`,
      ),
  );
  const inner = appCluster([trigger({})]);
  const cluster: ClusterApi = { ...inner, get: (ref) => (ref.kind === "ConfigMap" ? new Promise(() => {}) : inner.get(ref)) };
  const report = await harness(registry, cluster, { stepBudgetMs: 50 }).reconcile();
  assert.deepEqual(report.outcome, {
    kind: "Retry",
    delay: 30,
    message: "Timeout running step (stuck), will retry., Timeout running step (after), will retry.",
    location: "wf.spec.steps.stuck, wf.spec.steps.after",
  });
  assert.equal(report.steps.find((s) => s.label === "free")?.outcome, "Ok");
  // Recommendation: the step's own condition type, reason Wait.
  const parent = await stored(inner);
  assert.equal(conditionsOf(parent).find((c) => c.type === "Stuck")?.reason, "Wait");
});

test("WF-28 a timed-out step is cancelled: its hung read returning after the deadline leads to no later write", async () => {
  const registry = program(
    CM + workflow("wf", `${CRD}\nsteps:\n  - label: stuck\n    ref: {kind: ResourceFunction, name: cm}\n    inputs: {name: s, namespace: t, value: 1}\n`),
  );
  const inner = appCluster([trigger({})]);
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let readReturned: () => void = () => {};
  const readDone = new Promise<void>((resolve) => (readReturned = resolve));
  const calls: string[] = [];
  const cluster: ClusterApi = {
    ...inner,
    get: async (ref) => {
      if (ref.kind !== "ConfigMap") return inner.get(ref);
      await released;
      const result = await inner.get(ref);
      readReturned();
      return result;
    },
    create: (object, options) => (calls.push(`create ${String(object.kind)}`), inner.create(object, options)),
    apply: (object, options) => (calls.push(`apply ${String(object.kind)}`), inner.apply(object, options)),
    mergePatch: (ref, patch, options) => (calls.push(`mergePatch ${ref.kind}`), inner.mergePatch(ref, patch, options)),
    delete: (ref, options) => (calls.push(`delete ${ref.kind}`), inner.delete(ref, options)),
  };
  const report = await harness(registry, cluster, { stepBudgetMs: 50 }).reconcile();
  assert.equal(report.outcome.kind, "Retry");
  const written = calls.length;
  // The read now returns NotFound; an uncancelled run would go on to create the ConfigMap.
  release();
  await readDone;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(calls.slice(written), [], "no API write after the deadline");
  assert.ok(!calls.some((c) => c.endsWith("ConfigMap")));
  const configMap = await inner.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "t", name: "s" });
  assert.equal(!configMap.ok && configMap.error.reason, "NotFound");
});

test("WF-28 a step that throws ends Retry 60 'Unknown error'; siblings are not cancelled", async () => {
  const [definition] = loadText(
    workflow("crash", "steps:\n  - label: boom\n    ref: {kind: ValueFunction, name: broken}\n  - label: fine\n    ref: {kind: ValueFunction, name: fine}\n"),
    "c.yaml",
  ).definitions;
  // A prepared function that throws on any use: a bug inside the step.
  const explosive = new Proxy(
    {},
    {
      get: () => {
        throw new Error("kaboom");
      },
    },
  );
  const fine = program(ECHO.replace("name: echo", "name: fine")).get("ValueFunction", "fine");
  const broken: RegistryEntry = { definition: definition!, prepared: { ok: true, value: explosive, dependsOn: [] }, revision: 1 };
  const lookup = { get: (_kind: string, name: string) => (name === "fine" ? fine : broken) } as unknown as DefinitionLookup;
  const prepared = prepareWorkflow(definition!, lookup);
  assert.ok(prepared.ok);
  const run = await runWorkflow(
    prepared.value,
    { metadata: {}, spec: null, state: null },
    { cluster: appCluster([]), definitions: lookup, budget: { ms: 2000, timer: realTimer } },
  );
  const boom = run.steps[0]?.outcome;
  assert.equal(boom?.kind, "Retry");
  assert.equal(boom?.kind === "Retry" && boom.delay, 60);
  assert.match(boom?.kind === "Retry" ? (boom.message ?? "") : "", /^Unknown error \(kaboom\) running Step \(boom\), will retry\.$/);
  assert.equal(run.steps[1]?.outcome.kind, "Ok");
});

test("WF-29 every step with condition yields one of its type, whatever its outcome, in declaration order", async () => {
  const { parent } = await run(
    "  - label: aaa\n    ref: {kind: ValueFunction, name: failer}\n    condition: {type: Alpha, name: alpha}\n  - label: bbb\n    ref: {kind: ValueFunction, name: echo}\n    condition: {type: Beta, name: beta}\n",
  );
  assert.deepEqual(
    conditionsOf(parent).map((c) => [c.type, c.reason]),
    [
      ["Alpha", "Failure"],
      ["Beta", "Ready"],
      ["Ready", "Failure"],
    ],
  );
});

test("WF-30 state merges shallowly in declaration order; errors are recorded and never change outcomes", async () => {
  const { report, parent } = await run(
    "  - label: aaa\n    ref: {kind: ValueFunction, name: echo}\n    inputs: {x: 1}\n    state: {shared: {from: aaa, only: a}, a: 1}\n" +
      "  - label: bbb\n    ref: {kind: ValueFunction, name: echo}\n    state: {shared: {from: bbb}}\n" +
      "  - label: ccc\n    ref: {kind: ValueFunction, name: echo}\n    state: {bad: =value.nope.deeper}\n" +
      "  - label: ddd\n    ref: {kind: ValueFunction, name: failer}\n    state: {never: 1}\n" +
      "  - label: eee\n    ref: {kind: ValueFunction, name: echo}\n    state: {}\n",
  );
  assert.equal(report.outcome.kind, "PermFail");
  assert.deepEqual(plain(statusOf(parent).state), { shared: { from: "bbb" }, a: 1 });
  const koreo = statusOf(parent).koreo as { state_errors: Record<string, string> };
  assert.deepEqual(Object.keys(koreo.state_errors), ["ccc"]);
  assert.match(koreo.state_errors.ccc ?? "", / at /);
});

test("WF-30 a state expression reading steps keeps the dependency and reports a state error", async () => {
  const { parent } = await run(
    "  - label: aaa\n    ref: {kind: ValueFunction, name: echo}\n  - label: bbb\n    ref: {kind: ValueFunction, name: echo}\n    state: {x: =steps.aaa.v}\n",
  );
  const koreo = statusOf(parent).koreo as { state_errors: Record<string, string> };
  assert.deepEqual(Object.keys(koreo.state_errors), ["bbb"]);
});

test("WF-27 a sub-Workflow's Retry is the calling step's Retry", async () => {
  const extra = workflow("subwait", "steps:\n  - label: inner\n    ref: {kind: ValueFunction, name: waiter}\n");
  const { report } = await run("  - label: call\n    ref: {kind: Workflow, name: subwait}\n", {}, extra);
  assert.equal(report.outcome.kind, "Retry");
  assert.equal(Outcome.isError(report.outcome), true);
});
