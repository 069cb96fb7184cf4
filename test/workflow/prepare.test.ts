import assert from "node:assert/strict";
import { test } from "node:test";
import { loadText } from "../../src/definitions/load.ts";
import type { RegistryEntry } from "../../src/definitions/definition.ts";
import { prepareWorkflow, workflowProblems, type PreparedWorkflow } from "../../src/workflow/index.ts";
import { appCluster, configMapFunction, harness, program, trigger, valueFunction, workflow } from "../support/workflow.ts";

const VF = valueFunction("vf", "return:\n  n: '=has(inputs.n) ? inputs.n : 0'");
const CRD = "crdRef: {apiGroup: acme.example.com, version: v1, kind: App}";

function prepared(registry: ReturnType<typeof program>, name: string): PreparedWorkflow {
  const entry = registry.get("Workflow", name);
  assert.ok(entry?.prepared.ok, `Workflow ${name} should prepare: ${JSON.stringify(entry?.prepared)}`);
  return entry.prepared.value as PreparedWorkflow;
}

function step(label: string, more = "", ref = "{kind: ValueFunction, name: vf}"): string {
  return `  - label: ${label}\n    ref: ${ref}\n${more}`;
}

test("WF-2 a crdRef missing a field means no crdRef; a complete one is kept", () => {
  const registry = program(
    VF +
      workflow("bound", `${CRD}\nsteps:\n${step("aaa")}`) +
      workflow("unbound", `crdRef: {apiGroup: acme.example.com, version: "", kind: App}\nsteps:\n${step("aaa")}`),
  );
  assert.deepEqual(prepared(registry, "bound").crdRef, { apiGroup: "acme.example.com", version: "v1", kind: "App" });
  assert.equal(prepared(registry, "unbound").crdRef, undefined);
});

test("WF-3 a spec failing the schema makes the whole Workflow a PermFail definition", () => {
  const registry = program(
    VF +
      workflow(
        "bad",
        `steps:\n  - label: aaa\n    ref: {kind: ValueFunction, name: vf}\n    refSwitch: {switchOn: =1, cases: [{case: a, kind: ValueFunction, name: vf}]}`,
      ),
  );
  const entry = registry.get("Workflow", "bad");
  assert.equal(entry?.prepared.ok, false);
});

test("WF-3 a Workflow referencing a schema-invalid Workflow gets WF-7's not-healthy Retry", () => {
  const registry = program(
    VF +
      workflow("bad", `steps:\n  - label: x\n    ref: {kind: ValueFunction, name: vf}`) +
      workflow("outer", `steps:\n${step("call", "", "{kind: Workflow, name: bad}")}`),
  );
  const ready = prepared(registry, "outer").stepsReady;
  assert.equal(ready.kind, "Retry");
  assert.equal(ready.kind === "Retry" && ready.delay, 180);
  assert.match(ready.kind === "Retry" ? (ready.message ?? "") : "", /^'Workflow:bad' is not healthy \(.+\); will retry\.$/);
});

test("WF-4 unknown fields such as configStep are ignored", () => {
  const registry = program(VF + workflow("old", `configStep: {label: cfg}\nsteps:\n${step("aaa")}`));
  assert.equal(prepared(registry, "old").stepsReady.kind, "Ok");
});

test("WF-5 an empty steps list is a PermFail prepare error", () => {
  const registry = program(workflow("empty", "steps: []"));
  const entry = registry.get("Workflow", "empty");
  assert.ok(entry !== undefined);
  const ready = entry.prepared.ok ? (entry.prepared.value as PreparedWorkflow).stepsReady : entry.prepared.outcome;
  assert.equal(ready?.kind, "PermFail");
});

test("WF-6 a duplicate label is an error step; the first step is kept", () => {
  const wf = prepared(program(VF + workflow("dup", `steps:\n${step("aaa")}${step("aaa")}`)), "dup");
  assert.deepEqual(wf.stepsReady, { kind: "PermFail", message: "Duplicate step-label (aaa) can not prepare Workflow." });
  assert.deepEqual(
    wf.steps.map((s) => s.label),
    ["aaa"],
  );
});

test("WF-7 a missing Logic is Retry 15 'not cached' with the step location, and a dependency", () => {
  const registry = program(workflow("miss", `steps:\n${step("aaa", "", "{kind: ValueFunction, name: nope}")}`));
  assert.deepEqual(prepared(registry, "miss").stepsReady, {
    kind: "Retry",
    delay: 15,
    message: "'ValueFunction:nope' not cached; will retry.",
    location: "spec.steps['aaa'].ValueFunction:nope",
  });
  assert.deepEqual(registry.get("Workflow", "miss")?.prepared.dependsOn, [{ kind: "ValueFunction", name: "nope" }]);
});

test("WF-7 a Logic whose own preparation failed is Retry 180 'not healthy' with its message", () => {
  const registry = program(valueFunction("sick", "return: =inputs.(") + workflow("w", `steps:\n${step("aaa", "", "{kind: ValueFunction, name: sick}")}`));
  const ready = prepared(registry, "w").stepsReady;
  assert.equal(ready.kind === "Retry" && ready.delay, 180);
  assert.match(ready.kind === "Retry" ? (ready.message ?? "") : "", /^'ValueFunction:sick' is not healthy \(.+\); will retry\.$/);
});

test("WF-7 WF-21 every refSwitch case and sub-Workflow is a recorded dependency, even unresolved", () => {
  const registry = program(
    VF +
      workflow(
        "sw",
        `steps:\n  - label: pick\n    refSwitch:\n      switchOn: =parent.spec.mode\n      cases:\n        - {case: a, kind: ValueFunction, name: vf}\n        - {case: b, kind: Workflow, name: sub, default: true}\n        - {case: c, kind: ResourceFunction, name: rf}`,
      ),
  );
  const entry = registry.get("Workflow", "sw")!;
  assert.deepEqual(entry.prepared.dependsOn, [
    { kind: "ValueFunction", name: "vf" },
    { kind: "Workflow", name: "sub" },
    { kind: "ResourceFunction", name: "rf" },
  ]);
  // WF-21: a missing function in an unused case still blocks the Workflow.
  assert.equal(prepared(registry, "sw").stepsReady.kind, "Retry");
});

test("WF-8 dependencies come from steps.X reads in inputs, skipIf, forEach, switchOn and state", () => {
  const wf = prepared(
    program(
      VF +
        workflow(
          "deps",
          `steps:\n${step("aaa")}${step("bbb")}${step("ccc")}${step("ddd")}` +
            step(
              "eee",
              "    inputs: {n: =steps.aaa.n}\n    skipIf: =steps['bbb'].n > 5\n    forEach: {itemIn: '=[steps.ccc]', inputKey: item}\n    state: {x: =value}\n",
            ) +
            `  - label: fff\n    refSwitch:\n      switchOn: =steps.ddd.n\n      cases: [{case: "1", kind: ValueFunction, name: vf, default: true}]\n`,
        ),
    ),
    "deps",
  );
  assert.deepEqual(wf.steps.find((s) => s.label === "eee")?.dependencies, ["aaa", "bbb", "ccc"]);
  assert.deepEqual(wf.steps.find((s) => s.label === "fff")?.dependencies, ["ddd"]);
});

test("WF-8 recommendation: a macro variable named stepsItem is not a step reference", () => {
  const wf = prepared(program(VF + workflow("m", `steps:\n${step("aaa", "    inputs: {ids: '=parent.spec.items.map(stepsItem, stepsItem.id)'}\n")}`)), "m");
  assert.equal(wf.stepsReady.kind, "Ok");
  assert.deepEqual(wf.steps[0]?.dependencies, []);
});

test("WF-9 a step reading a later, unknown or its own label is an error step naming them", () => {
  const wf = prepared(
    program(VF + workflow("order", `steps:\n${step("aaa", "    inputs: {x: =steps.bbb, y: =steps.zzz}\n")}${step("bbb", "    inputs: {x: =steps.bbb}\n")}`)),
    "order",
  );
  assert.equal(wf.stepsReady.kind, "PermFail");
  const ready = wf.stepsReady.kind === "PermFail" ? wf.stepsReady : undefined;
  assert.equal(ready?.message, "Step 'aaa', must come after bbb, zzz., Step 'bbb', must come after bbb.");
  assert.equal(ready?.location, "spec.steps['aaa'], spec.steps['bbb']");
});

test("WF-9 listing order does not serialise: declaration order is a topological order", () => {
  const wf = prepared(program(VF + workflow("topo", `steps:\n${step("aaa")}${step("bbb", "    inputs: {n: =steps.aaa.n}\n")}${step("ccc")}`)), "topo");
  assert.deepEqual(wf.topologicalOrder, ["aaa", "bbb", "ccc"]);
  assert.ok(Object.isFrozen(wf) && Object.isFrozen(wf.steps));
});

test("WF-10 a Workflow with a prepare error evaluates no step; its outcome location gets '<wf>:'", async () => {
  const registry = program(
    configMapFunction("cm") +
      workflow(
        "hx",
        `${CRD}\nsteps:\n${step("aaa", "    inputs: {name: x, namespace: t, value: 1}\n", "{kind: ResourceFunction, name: cm}")}${step("bbb", "", "{kind: ValueFunction, name: gone}")}`,
      ),
  );
  const cluster = appCluster([trigger({})]);
  const report = await harness(registry, cluster).reconcile();
  assert.deepEqual(report.outcome, {
    kind: "Retry",
    delay: 15,
    message: "'ValueFunction:gone' not cached; will retry.",
    location: "hx:spec.steps['bbb'].ValueFunction:gone",
  });
  assert.deepEqual(report.steps, []);
  const maps = await cluster.list("v1", "ConfigMap", { namespace: "t" });
  assert.ok(maps.ok && maps.value.items.length === 0, "no step ran");
});

test("WF-10 recommendation: a prepare error without location renders as '<wf>' alone", async () => {
  const registry = program(VF + workflow("hx", `${CRD}\nsteps:\n${step("aaa")}${step("aaa")}`));
  const report = await harness(registry, appCluster([trigger({})])).reconcile();
  assert.equal(report.outcome.kind === "PermFail" && report.outcome.location, "hx");
});

test("WF-21 refSwitch: no cases, and two defaults, are prepare errors", () => {
  const wf = prepared(
    program(
      VF +
        workflow(
          "sw",
          `steps:\n  - label: two\n    refSwitch:\n      switchOn: =parent.x\n      cases:\n        - {case: a, kind: ValueFunction, name: vf, default: true}\n        - {case: b, kind: ValueFunction, name: vf, default: true}\n`,
        ),
    ),
    "sw",
  );
  assert.equal(wf.stepsReady.kind, "PermFail");
  assert.match(wf.stepsReady.kind === "PermFail" ? (wf.stepsReady.message ?? "") : "", /^Only one case in .* may be default/);
});

test("WF-21 a later duplicate case wins and a default is reachable by its own case value", () => {
  const wf = prepared(
    program(
      VF +
        valueFunction("vf2", "return: {v: 2}") +
        workflow(
          "sw",
          `steps:\n  - label: pick\n    refSwitch:\n      switchOn: =parent.x\n      cases:\n        - {case: a, kind: ValueFunction, name: vf, default: true}\n        - {case: a, kind: ValueFunction, name: vf2}\n`,
        ),
    ),
    "sw",
  );
  const logic = wf.steps[0]?.logic;
  assert.equal(logic?.type, "refSwitch");
  assert.equal(logic?.type === "refSwitch" && logic.cases.get("a")?.name, "vf2");
  assert.equal(logic?.type === "refSwitch" && logic.defaultCase?.name, "vf");
});

test("WF-23 forEach without itemIn or inputKey is a prepare error", () => {
  const registry = program(VF + workflow("fe", `steps:\n${step("aaa", "    forEach: {itemIn: '', inputKey: x}\n")}`));
  const entry = registry.get("Workflow", "fe")!;
  const ready = entry.prepared.ok ? (entry.prepared.value as PreparedWorkflow).stepsReady : entry.prepared.outcome;
  assert.equal(ready.kind, "PermFail");
});

test("WF-31 a missing function heals through the registry without touching the Workflow", () => {
  const registry = program(workflow("heal", `steps:\n${step("aaa")}`));
  assert.equal(prepared(registry, "heal").stepsReady.kind, "Retry");
  for (const d of loadText(VF, "late.yaml").definitions) registry.upsert(d);
  assert.equal(prepared(registry, "heal").stepsReady.kind, "Ok");
});

test("WF-31 a function change re-prepares the Workflows using it, transitively", () => {
  const registry = program(
    VF + workflow("inner", `steps:\n${step("aaa")}`) + workflow("outer", `steps:\n${step("call", "", "{kind: Workflow, name: inner}")}`),
  );
  const before = registry.get("Workflow", "outer")!.revision;
  for (const d of loadText(valueFunction("vf", "return: {n: 2}"), "changed.yaml").definitions) registry.upsert(d);
  assert.ok(registry.get("Workflow", "outer")!.revision > before);
});

test("WF-32 a sub-Workflow reference cycle makes every Workflow on it a PermFail definition", () => {
  const registry = program(
    workflow("a", `steps:\n${step("call", "", "{kind: Workflow, name: b}")}`) + workflow("b", `steps:\n${step("call", "", "{kind: Workflow, name: a}")}`),
  );
  const a = registry.get("Workflow", "a")!.prepared;
  const b = registry.get("Workflow", "b")!.prepared;
  assert.deepEqual(!a.ok && a.outcome, { kind: "PermFail", message: "Workflow reference cycle: a -> b -> a." });
  assert.deepEqual(!b.ok && b.outcome, { kind: "PermFail", message: "Workflow reference cycle: b -> a -> b." });
});

test("WF-32 a self reference is a cycle", () => {
  const registry = program(workflow("self", `steps:\n${step("call", "", "{kind: Workflow, name: self}")}`));
  const p = registry.get("Workflow", "self")!.prepared;
  assert.equal(!p.ok && p.outcome.message, "Workflow reference cycle: self -> self.");
});

test("WF-9 workflowProblems carries field paths and file positions for koreo validate", () => {
  const registry = program(VF + workflow("pos", `steps:\n${step("aaa")}${step("bbb", "", "{kind: ValueFunction, name: nope}")}`));
  const problems = workflowProblems(registry.get("Workflow", "pos")!.prepared as RegistryEntry<PreparedWorkflow>["prepared"]);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.path, "spec.steps[1].ref");
  assert.equal(problems[0]?.file, "test.koreo.yaml");
  assert.ok((problems[0]?.line ?? 0) > 1);
});

test("WF-1 definitions are looked up by name only, whatever their namespace", () => {
  const other = VF.replace("namespace: t", "namespace: elsewhere");
  const wf = prepared(program(other + workflow("ns", `steps:\n${step("aaa")}`)), "ns");
  assert.equal(wf.stepsReady.kind, "Ok");
});

test("WF-3 prepareWorkflow is a Preparer usable with any lookup", () => {
  const [definition] = loadText(workflow("lone", `steps:\n${step("aaa")}`), "x.yaml").definitions;
  const result = prepareWorkflow(definition!, { get: () => undefined });
  assert.equal(result.ok, true);
});
