import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { loadText } from "../../src/definitions/load.ts";
import { validateSpec } from "../../src/definitions/schema.ts";
import { validateDefinition } from "../../src/definitions/rules.ts";
import { crdPath } from "../../src/definitions/crd-files.ts";
import { KOREO_KINDS, type Definition, type KoreoKind } from "../../src/definitions/definition.ts";

function define(kind: KoreoKind, specYaml: string, name = "x"): Definition {
  const indented = specYaml
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
  const result = loadText(`apiVersion: koreo.dev/v1beta1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${indented}\n`, "def.yaml");
  const d = result.definitions[0];
  assert.ok(d, `definition did not load: ${JSON.stringify(result.problems)}`);
  return d;
}

/** The reference's messages (VAL-2, FT-3), as the cached PermFail carries them, one per violation. */
function messages(d: Definition): string[] {
  const v = validateDefinition(d);
  return v.ok ? [] : (v.outcome.message ?? "").split("; ");
}

const RF = `apiConfig: {apiVersion: v1, kind: ConfigMap, name: =inputs.name, namespace: ns}
resource: {data: {a: b}}`;

test("VAL-2 defaults are filled in and ints stay bigint", () => {
  const v = validateSpec(define("ResourceFunction", RF));
  assert.ok(v.ok);
  assert.deepEqual(v.spec.create, { enabled: true, delay: 30n });
  assert.deepEqual(v.spec.update, { patch: { delay: 30n } });
  assert.deepEqual(v.spec.apiConfig, {
    apiVersion: "v1",
    kind: "ConfigMap",
    name: "=inputs.name",
    namespace: "ns",
    namespaced: true,
    owned: true,
    readonly: false,
    deleteIfExists: false,
  });
  const recreate = validateSpec(define("ResourceFunction", `${RF}\nupdate: {recreate: {}}\ncreate: {delay: 5}`));
  assert.ok(recreate.ok);
  assert.deepEqual(recreate.spec.update, { recreate: { delay: 30n } });
  assert.deepEqual(recreate.spec.create, { delay: 5n, enabled: true });
});

test("VAL-2 type violations name the field with `spec`, one problem per violation, positioned", () => {
  const d = define("ValueFunction", "locals: 5\nreturn: {}\npreconditions:\n  - assert: =true\n    retry: {delay: 30.5, message: m}");
  const v = validateSpec(d);
  assert.ok(!v.ok);
  // CLI-11: the problem's path is its own field, so its message states the rule once.
  assert.deepEqual(v.problems.map((p) => [p.message, p.path, p.line]).sort(), [
    ["must be an integer", "spec.preconditions[0].retry.delay", 10],
    ["must be an object", "spec.locals", 6],
  ]);
  assert.equal(v.outcome.kind, "PermFail");
  // VAL-2 (V): the PermFail keeps the reference's wording, path included.
  assert.deepEqual((v.outcome.message ?? "").split("; ").sort(), [
    "integer spec.preconditions[0].retry.delay must be integer",
    "object spec.locals must be object",
  ]);
});

test("VAL-2 integer fields accept bigint ints, and whole doubles as JSON Schema does", () => {
  assert.ok(validateSpec(define("ResourceFunction", `${RF}\ncreate: {delay: 12345678901234567890}`)).ok);
  assert.ok(validateSpec(define("ResourceFunction", `${RF}\ncreate: {delay: 30.0}`)).ok);
  assert.ok(!validateSpec(define("ResourceFunction", `${RF}\ncreate: {delay: "30"}`)).ok);
});

test("VAL-2 x-kubernetes-validations are not enforced at load and unknown fields are accepted", () => {
  assert.ok(validateSpec(define("ValueFunction", "preconditions:\n  - assert: no-equals-sign\n    ok: {}\nextra: 1")).ok);
});

test("VAL-3 ValueFunction needs preconditions or return", () => {
  assert.deepEqual(messages(define("ValueFunction", "{}")), ["spec cannot be validated by any definition"]);
  assert.deepEqual(messages(define("ValueFunction", "locals: {a: 1}")), ["spec cannot be validated by any definition"]);
  assert.deepEqual(messages(define("ValueFunction", "return: {a: 1}")), []);
});

test("VAL-3 predicates: at most 20, exactly one outcome key, locals/return not null", () => {
  assert.deepEqual(messages(define("ValueFunction", "preconditions:\n  - assert: =true\n    ok: {}\n    skip: {message: s}")), [
    "spec.preconditions[0] must be valid exactly by one definition (2 matches found)",
  ]);
  const many = Array.from({ length: 21 }, () => "  - {assert: =true, ok: {}}").join("\n");
  assert.deepEqual(messages(define("ValueFunction", `preconditions:\n${many}`)), ["spec.preconditions must contain less than or equal to 20 items"]);
  assert.deepEqual(messages(define("ValueFunction", "return: null")), ["object spec.return must be object"]);
});

test("VAL-4 apiConfig identity and namespace rules with exact messages and spec.apiConfig location", () => {
  const missing = validateDefinition(define("ResourceFunction", "apiConfig: {apiVersion: v1, kind: ConfigMap}\nresource: {}", "rf"));
  assert.ok(!missing.ok);
  assert.equal(missing.outcome.message, "`apiVersion`, `kind`, and `name` are required in `spec.apiConfig`");
  assert.equal(missing.outcome.location, "prepare:ResourceFunction:rf:spec.apiConfig");
  const ns = validateDefinition(define("ResourceFunction", "apiConfig: {apiVersion: v1, kind: ConfigMap, name: n}\nresource: {}"));
  assert.ok(!ns.ok);
  assert.equal(ns.outcome.message, "`namespace` is required when `spec.apiConfig.namespaced` is `true`");
  assert.deepEqual(messages(define("ResourceFunction", "apiConfig: {apiVersion: v1, kind: Namespace, name: n, namespaced: false}\nresource: {}")), []);
  assert.deepEqual(messages(define("ResourceFunction", `${RF}\nupdate: {patch: {}, never: {}}`)), [
    "spec.update must be valid exactly by one definition (2 matches found)",
  ]);
  assert.deepEqual(messages(define("ResourceFunction", "resource: {}")), ["spec must contain ['apiConfig'] properties"]);
});

test("VAL-5 exactly one of resource / resourceTemplateRef, whose name is required", () => {
  const base = "apiConfig: {apiVersion: v1, kind: ConfigMap, name: n, namespace: ns}";
  assert.deepEqual(messages(define("ResourceFunction", base)), ["spec must be valid exactly by one definition (0 matches found)"]);
  assert.deepEqual(messages(define("ResourceFunction", `${base}\nresource: {}\nresourceTemplateRef: {name: t}`)), [
    "spec must be valid exactly by one definition (2 matches found)",
  ]);
  assert.deepEqual(messages(define("ResourceFunction", `${base}\nresourceTemplateRef: {}`)), ["spec.resourceTemplateRef must contain ['name'] properties"]);
  assert.deepEqual(messages(define("ResourceFunction", `${base}\nresourceTemplateRef: {name: =inputs.t}`)), []);
});

test("VAL-6 overlay items: overlay or overlayRef, and overlayRef.kind must be ValueFunction", () => {
  const base = `${RF}\noverlays:`;
  assert.deepEqual(
    messages(define("ResourceFunction", `${base}\n  - overlay: {a: 1}\n  - overlayRef: {kind: ValueFunction, name: v}\n    inputs: {x: 1}`)),
    [],
  );
  assert.deepEqual(messages(define("ResourceFunction", `${base}\n  - overlayRef: {kind: ResourceFunction, name: v}`)), [
    "spec.overlays[0].overlayRef.kind must be one of ['ValueFunction']",
  ]);
  assert.deepEqual(messages(define("ResourceFunction", `${base}\n  - skipIf: =true`)), [
    "spec.overlays[0] must be valid exactly by one definition (0 matches found)",
  ]);
});

test("VAL-7 ResourceTemplate needs a template with apiVersion and kind", () => {
  assert.deepEqual(messages(define("ResourceTemplate", "context: {a: 1}")), ["spec must contain ['template'] properties"]);
  assert.deepEqual(messages(define("ResourceTemplate", "template: {}", "t")), [
    "ResourceTemplate 't' `apiVersion` and `kind` must be set within `spec.template` (apiVersion: 'None', kind: 'None')",
  ]);
  assert.deepEqual(messages(define("ResourceTemplate", "template: {apiVersion: v1}", "t")), [
    "ResourceTemplate 't' `apiVersion` and `kind` must be set within `spec.template` (apiVersion: 'v1', kind: 'None')",
  ]);
  assert.deepEqual(messages(define("ResourceTemplate", "template: {apiVersion: v1, kind: ConfigMap}\ncontext: 5")), [
    "object or null spec.context must be object or null",
  ]);
  assert.deepEqual(messages(define("ResourceTemplate", "template: {apiVersion: v1, kind: ConfigMap}\ncontext: null")), []);
});

test("VAL-8 load failures carry prepare:<Kind>:<name>[:spec.<field>] locations", () => {
  const whole = validateSpec(define("ValueFunction", "{}", "vf1"));
  assert.ok(!whole.ok);
  assert.equal(whole.outcome.location, "prepare:ValueFunction:vf1");
  const field = validateSpec(define("ValueFunction", "return: 1", "vf2"));
  assert.ok(!field.ok);
  assert.equal(field.outcome.location, "prepare:ValueFunction:vf2:spec.return");
});

test("FT-3 FunctionTest schema messages", () => {
  assert.deepEqual(messages(define("FunctionTest", "inputs: {}")), ["spec must contain ['functionRef'] properties"]);
  assert.deepEqual(messages(define("FunctionTest", "functionRef: {kind: Workflow, name: w}")), [
    "spec.functionRef.kind must be one of ['ResourceFunction', 'ValueFunction']",
  ]);
  assert.deepEqual(messages(define("FunctionTest", "functionRef: {kind: ValueFunction, name: v}\ntestCases:\n  - expectOutcome: {ok: null}")), [
    "object spec.testCases[0].expectOutcome.ok must be object",
  ]);
  assert.deepEqual(messages(define("FunctionTest", "functionRef: {kind: ValueFunction, name: v}\ntestCases:\n  - expectOutcome: {retry: {message: m}}")), [
    "spec.testCases[0].expectOutcome.retry must contain ['message', 'delay'] properties",
  ]);
  assert.deepEqual(messages(define("FunctionTest", "functionRef: {kind: ValueFunction, name: v}\ninputs: []")), ["object spec.inputs must be object"]);
  const cases = Array.from({ length: 21 }, () => "  - expectReturn: {a: 1}").join("\n");
  assert.deepEqual(messages(define("FunctionTest", `functionRef: {kind: ValueFunction, name: v}\ntestCases:\n${cases}`)), [
    "spec.testCases must contain less than or equal to 20 items",
  ]);
});

test("WF-2/WF-3 Workflow schema: steps required, ≤ 20, label 3..45, ref xor refSwitch, cases 1..10, state ≤ 10 keys", () => {
  assert.deepEqual(messages(define("Workflow", "crdRef: {kind: K}")), ["spec must contain ['steps'] properties"]);
  const steps = Array.from({ length: 21 }, (_, i) => `  - {label: s${i}xx, ref: {kind: ValueFunction, name: v}}`).join("\n");
  assert.deepEqual(messages(define("Workflow", `steps:\n${steps}`)), ["spec.steps must contain less than or equal to 20 items"]);
  assert.deepEqual(messages(define("Workflow", "steps:\n  - {label: ab, ref: {kind: ValueFunction, name: v}}")), [
    "spec.steps[0].label must be longer than or equal to 3 characters",
  ]);
  assert.deepEqual(messages(define("Workflow", `steps:\n  - {label: ${"a".repeat(46)}, ref: {kind: ValueFunction, name: v}}`)), [
    "spec.steps[0].label must be shorter than or equal to 45 characters",
  ]);
  assert.deepEqual(messages(define("Workflow", "steps:\n  - {label: abc}")), ["spec.steps[0] must be valid exactly by one definition (0 matches found)"]);
  assert.deepEqual(messages(define("Workflow", "steps:\n  - {label: abc, refSwitch: {switchOn: =1, cases: []}}")), [
    "spec.steps[0].refSwitch.cases must contain at least 1 items",
  ]);
  assert.deepEqual(messages(define("Workflow", "steps:\n  - {label: abc, ref: {kind: ResourceTemplate, name: t}}")), [
    "spec.steps[0].ref.kind must be one of ['ValueFunction', 'ResourceFunction', 'Workflow']",
  ]);
  const state = Array.from({ length: 11 }, (_, i) => `k${i}: 1`).join(", ");
  assert.deepEqual(messages(define("Workflow", `steps:\n  - {label: abc, ref: {kind: ValueFunction, name: v}, state: {${state}}}`)), [
    "spec.steps[0].state must contain less than or equal to 10 properties",
  ]);
  assert.deepEqual(messages(define("Workflow", "steps:\n  - {label: abc, ref: {kind: ValueFunction, name: v}, condition: {type: T}}")), [
    "spec.steps[0].condition must contain ['type', 'name'] properties",
  ]);
  const ok = validateSpec(define("Workflow", "steps:\n  - {label: abc, refSwitch: {switchOn: =1, cases: [{case: a, kind: ValueFunction, name: v}]}}"));
  assert.ok(ok.ok);
  assert.deepEqual(ok.spec.steps, [{ label: "abc", refSwitch: { switchOn: "=1", cases: [{ case: "a", kind: "ValueFunction", name: "v", default: false }] } }]);
});

/** Reads `a.b[0].c` out of a parsed CRD. */
function field(kind: KoreoKind, path: string): unknown {
  let node: unknown = parse(readFileSync(crdPath(kind), "utf8"));
  for (const key of path.replace(/\[(\d+)\]/g, ".$1").split(".")) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

const PLURALS: Record<KoreoKind, string> = {
  ValueFunction: "valuefunctions",
  ResourceFunction: "resourcefunctions",
  ResourceTemplate: "resourcetemplates",
  Workflow: "workflows",
  FunctionTest: "functiontests",
};

const SCHEMA = "spec.versions[0].schema.openAPIV3Schema";

test("CRD-1 five CRDs: apiextensions v1, group koreo.dev, one served+storage v1beta1, Namespaced, spec + open status", () => {
  for (const kind of KOREO_KINDS) {
    assert.equal(field(kind, "apiVersion"), "apiextensions.k8s.io/v1");
    assert.equal(field(kind, "kind"), "CustomResourceDefinition");
    assert.equal(field(kind, "metadata.name"), `${PLURALS[kind]}.koreo.dev`);
    assert.equal(field(kind, "spec.group"), "koreo.dev");
    assert.equal(field(kind, "spec.scope"), "Namespaced");
    assert.deepEqual(
      [field(kind, "spec.names.kind"), field(kind, "spec.names.plural"), field(kind, "spec.names.singular")],
      [kind, PLURALS[kind], kind.toLowerCase()],
    );
    assert.equal((field(kind, "spec.versions") as unknown[]).length, 1);
    assert.deepEqual(
      [field(kind, "spec.versions[0].name"), field(kind, "spec.versions[0].served"), field(kind, "spec.versions[0].storage")],
      ["v1beta1", true, true],
    );
    assert.equal(field(kind, `${SCHEMA}.properties.spec.type`), "object");
    assert.deepEqual(field(kind, `${SCHEMA}.properties.status`), { type: "object", "x-kubernetes-preserve-unknown-fields": true });
  }
  assert.deepEqual(field("FunctionTest", `${SCHEMA}.required`), ["spec"]);
});

test("CRD-2 the engine writes no status and ignores it: a definition carrying status validates on its spec alone", () => {
  const text = "apiVersion: koreo.dev/v1beta1\nkind: ValueFunction\nmetadata: {name: s}\nspec: {return: {a: 1}}\nstatus: {anything: [1, 2]}\n";
  const d = loadText(text, "s.yaml").definitions[0];
  assert.ok(d && validateSpec(d).ok);
});

test("CRD-3 our additions: status subresource, short names, category koreo, Ready/Age printer columns", () => {
  const shortNames: Record<KoreoKind, string> = { ValueFunction: "vf", ResourceFunction: "rf", ResourceTemplate: "rt", Workflow: "wf", FunctionTest: "ft" };
  for (const kind of KOREO_KINDS) {
    assert.deepEqual(field(kind, "spec.names.shortNames"), [shortNames[kind]]);
    assert.deepEqual(field(kind, "spec.names.categories"), ["koreo"]);
    assert.deepEqual(field(kind, "spec.versions[0].subresources"), { status: {} });
    assert.deepEqual(
      [field(kind, "spec.versions[0].additionalPrinterColumns[0].name"), field(kind, "spec.versions[0].additionalPrinterColumns[1].name")],
      ["Ready", "Age"],
    );
  }
});

test("CRD-3 / CRD-4 the Ready printer column reads status.conditions[type=Ready] (the condition itself: test/runtime/definition-status*.test.ts)", () => {
  for (const kind of KOREO_KINDS) {
    assert.equal(field(kind, "spec.versions[0].additionalPrinterColumns[0].jsonPath"), '.status.conditions[?(@.type=="Ready")].status');
  }
});

test("CRD-5 the engine validates with the very schema in the CRD file (single source of truth)", () => {
  const limit = field("Workflow", `${SCHEMA}.properties.spec.properties.steps.maxItems`) as number;
  const steps = (n: number): string => Array.from({ length: n }, (_, i) => `  - {label: s${i}xx, ref: {kind: ValueFunction, name: v}}`).join("\n");
  assert.ok(validateSpec(define("Workflow", `steps:\n${steps(limit)}`)).ok);
  assert.deepEqual(messages(define("Workflow", `steps:\n${steps(limit + 1)}`)), [`spec.steps must contain less than or equal to ${limit} items`]);
  const createDefault = field("ResourceFunction", `${SCHEMA}.properties.spec.properties.create.default`) as { enabled: boolean; delay: number };
  const v = validateSpec(define("ResourceFunction", RF));
  assert.ok(v.ok);
  assert.deepEqual(v.spec.create, { enabled: createDefault.enabled, delay: BigInt(createDefault.delay) });
});
