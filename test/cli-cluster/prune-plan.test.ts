/** The pure reachability behind `koreo prune` (CLI-3), on inputs the end-to-end tests cannot easily produce. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { definitionFromObject, type Definition } from "../../src/definitions/index.ts";
import { planPrune, type PrunePlan } from "../../src/operations/prune-plan.ts";
import type { ValueMap } from "../../src/value/value.ts";

function definition(kind: string, namespace: string, name: string, spec: ValueMap): Definition {
  const made = definitionFromObject({ apiVersion: "koreo.dev/v1beta1", kind, metadata: { name, namespace }, spec });
  if (!("spec" in made)) throw new Error(made.message);
  return made;
}

const vf = (ns: string, name: string) => definition("ValueFunction", ns, name, { return: { value: name } });
const rt = (ns: string, name: string) => definition("ResourceTemplate", ns, name, { template: { apiVersion: "v1", kind: "ConfigMap" } });
const rf = (ns: string, name: string, extra: ValueMap) =>
  definition("ResourceFunction", ns, name, { apiConfig: { apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: "=inputs.ns" }, ...extra });
const step = (label: string, kind: string, name: string): ValueMap => ({ label, ref: { kind, name } });
const wf = (ns: string, name: string, ...steps: ValueMap[]) => definition("Workflow", ns, name, { steps });

const orphanNames = (plan: PrunePlan): string[] => plan.orphans.map((o) => `${o.plural}:${o.namespace}/${o.name}`);

test("CLI-3 sub-Workflow steps, refSwitch cases, overlayRefs, constant template refs and FunctionTests keep definitions; the rest is orphaned, sorted", () => {
  const plan = planPrune(
    [
      vf("ns", "z-orphan"),
      rt("ns", "rt-orphan"),
      wf("ns", "main", step("sub", "Workflow", "sub"), {
        label: "pick",
        refSwitch: { switchOn: "=inputs.x", cases: [{ case: "a", kind: "ResourceFunction", name: "rf-case" }] },
      }),
      wf("ns", "sub", step("only", "ValueFunction", "vf-sub")),
      rf("ns", "rf-case", { resourceTemplateRef: { name: "rt-used" }, overlays: [{ overlayRef: { kind: "ValueFunction", name: "vf-overlay" } }] }),
      vf("ns", "vf-sub"),
      vf("ns", "vf-overlay"),
      rt("ns", "rt-used"),
      definition("FunctionTest", "ns", "ft", {
        functionRef: { kind: "ValueFunction", name: "vf-tested" },
        testCases: [{ expectReturn: { value: "vf-tested" } }],
      }),
      vf("ns", "vf-tested"),
      rf("ns", "a-orphan", { resource: { data: {} } }),
    ],
    { namespace: undefined },
  );
  assert.deepEqual(orphanNames(plan), ["resourcefunctions:ns/a-orphan", "resourcetemplates:ns/rt-orphan", "valuefunctions:ns/z-orphan"]);
  assert.deepEqual(plan.notes, []);
});

test("CLI-3 references are by kind and name only: every namespace's copy of a named function is kept, and a shadowed Workflow copy's steps count", () => {
  const plan = planPrune(
    [
      wf("a", "same", step("one", "ValueFunction", "from-a")),
      wf("b", "same", step("two", "ValueFunction", "from-b")),
      vf("c", "from-a"),
      vf("d", "from-a"),
      vf("c", "from-b"),
      vf("c", "lonely"),
    ],
    { namespace: undefined },
  );
  assert.deepEqual(orphanNames(plan), ["valuefunctions:c/lonely"]);
});

test("CLI-3 the scope limits what may be pruned, never where users are looked for", () => {
  const definitions = [wf("users", "w", step("one", "ValueFunction", "shared")), vf("defs", "shared"), vf("defs", "unused"), vf("other", "unused-too")];
  assert.deepEqual(orphanNames(planPrune(definitions, { namespace: "defs" })), ["valuefunctions:defs/unused"]);
  assert.deepEqual(orphanNames(planPrune(definitions, { namespace: undefined })), ["valuefunctions:defs/unused", "valuefunctions:other/unused-too"]);
});

test("CLI-3 / RT-5 an expression template name in any ResourceFunction (even an unused one) keeps every ResourceTemplate, with a note", () => {
  const plan = planPrune([rf("x", "dynamic", { resourceTemplateRef: { name: "=inputs.t" } }), rt("y", "any"), vf("y", "unused")], { namespace: undefined });
  assert.deepEqual(orphanNames(plan), ["resourcefunctions:x/dynamic", "valuefunctions:y/unused"]);
  assert.equal(plan.notes.length, 1);
  assert.match(plan.notes[0] ?? "", /ResourceFunction x\/dynamic chooses its template with an expression \(=inputs\.t\)/);
  assert.deepEqual(
    plan.kept.map((k) => k.reason),
    ["may be chosen by ResourceFunction x/dynamic's template expression"],
  );
});

test("CLI-3 / WF-32 Workflows that fail to prepare (a reference cycle) still keep what they name, and the walk ends", () => {
  const plan = planPrune(
    [wf("ns", "a", step("call_b", "Workflow", "b"), step("use", "ValueFunction", "kept")), wf("ns", "b", step("call_a", "Workflow", "a")), vf("ns", "kept")],
    {
      namespace: "ns",
    },
  );
  assert.deepEqual(orphanNames(plan), []);
  assert.deepEqual(
    plan.kept.map((k) => `${k.name} ${k.reason}`),
    ["kept used by Workflow ns/a"],
  );
});

test("CLI-3 a ResourceFunction nothing uses does not keep its overlay ValueFunction or its template", () => {
  const plan = planPrune(
    [
      rf("ns", "unused", { resourceTemplateRef: { name: "tpl" }, overlays: [{ overlayRef: { kind: "ValueFunction", name: "overlay" } }] }),
      vf("ns", "overlay"),
      rt("ns", "tpl"),
    ],
    {
      namespace: "ns",
    },
  );
  assert.deepEqual(orphanNames(plan), ["resourcefunctions:ns/unused", "resourcetemplates:ns/tpl", "valuefunctions:ns/overlay"]);
});
