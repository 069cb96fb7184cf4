import { test } from "node:test";
import assert from "node:assert/strict";
import { loadText } from "../../src/definitions/load.ts";
import { lintDefinition } from "../../src/definitions/index.ts";
import type { Definition, KoreoKind } from "../../src/definitions/definition.ts";

function define(kind: KoreoKind, specYaml: string, extraMeta = ""): Definition {
  const indented = specYaml
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
  const d = loadText(`apiVersion: koreo.dev/v1beta1\nkind: ${kind}\nmetadata:\n  name: x\n${extraMeta}spec:\n${indented}\n`, "lint.yaml").definitions[0];
  assert.ok(d);
  return d;
}

const lint = (d: Definition): string[] => lintDefinition(d).map((p) => `${p.severity} ${p.path}: ${p.message}`);

test("WF-3 cluster-only rules: label characters, PascalCase condition type, = prefixes, case not an expression, unique cases", () => {
  const wf = define(
    "Workflow",
    `steps:
  - label: bad-label
    ref: {kind: ValueFunction, name: v}
    skipIf: inputs.skip
    forEach: {itemIn: inputs.items, inputKey: item}
    condition: {type: notPascal, name: =inputs.n}
  - label: ok_label
    refSwitch:
      switchOn: inputs.kind
      cases:
        - {case: =a, kind: ValueFunction, name: v}
        - {case: b, kind: ValueFunction, name: v}
        - {case: b, kind: ValueFunction, name: w}`,
  );
  assert.deepEqual(lint(wf), [
    "error spec.steps[0].label: label 'bad-label' may only contain letters, digits and underscores (WF-3)",
    "error spec.steps[0].condition.type: condition type 'notPascal' must be PascalCase (WF-3)",
    "error spec.steps[0].condition.name: condition name must not be an expression (WF-3)",
    "error spec.steps[0].skipIf: skipIf must be an expression (start with '=') (WF-3)",
    "error spec.steps[0].forEach.itemIn: itemIn must be an expression (start with '=') (WF-3)",
    "error spec.steps[1].refSwitch.switchOn: switchOn must be an expression (start with '=') (WF-3)",
    "error spec.steps[1].refSwitch.cases[0].case: case must be a plain value, not an expression (WF-3)",
    "error spec.steps[1].refSwitch.cases[2].case: duplicate case 'b' (WF-3: cases are keyed by case)",
  ]);
});

test("WF-4 removed and unknown fields are warned about (configStep, forEach.condition)", () => {
  const wf = define(
    "Workflow",
    "configStep: {label: c}\nsteps:\n  - label: abc\n    ref: {kind: ValueFunction, name: v}\n    forEach: {itemIn: =inputs.items, inputKey: i, condition: x}",
  );
  assert.deepEqual(lint(wf), [
    "warning spec.configStep: configStep was removed in v1beta1; it is ignored (WF-4)",
    "warning spec.steps[0].forEach.condition: unknown field; the engine ignores it and the API server prunes it",
  ]);
});

test("BODY-2 quoted numeric constants in function bodies are warned about; expressions and templates are not", () => {
  const vf = define("ValueFunction", 'return:\n  port: "8080"\n  ratio: \'0.25\'\n  name: "web"\n  kept: ="8080"\n  list: [\'-3\']');
  assert.deepEqual(
    lintDefinition(vf).map((p) => p.path),
    ["spec.return.port", "spec.return.ratio", "spec.return.list[0]"],
  );
  assert.match(lintDefinition(vf)[0]?.message ?? "", /BODY-2/);
  const rt = define("ResourceTemplate", "template: {apiVersion: v1, kind: ConfigMap, data: {port: '8080'}}");
  assert.deepEqual(lint(rt), []);
  const rf = define(
    "ResourceFunction",
    "apiConfig: {apiVersion: v1, kind: ConfigMap, name: '1', namespace: ns}\nresource: {}\noverlays:\n  - overlay: {a: '2'}\n  - overlayRef: {kind: ValueFunction, name: v}\n    inputs: {b: '3'}",
  );
  assert.deepEqual(
    lintDefinition(rf).map((p) => p.path),
    ["spec.apiConfig.name", "spec.overlays[0].overlay.a", "spec.overlays[1].inputs.b"],
  );
});

test("FT-12 empty currentResource and currentResource with overlayResource are warned about", () => {
  const ft = define(
    "FunctionTest",
    "functionRef: {kind: ResourceFunction, name: r}\ntestCases:\n  - {currentResource: {}, expectDelete: true}\n  - {currentResource: {a: 1}, overlayResource: {b: 2}, expectDelete: true}",
  );
  assert.deepEqual(lint(ft), [
    "warning spec.testCases[0].currentResource: an empty currentResource is ignored; the carried resource is used (FT-12)",
    "warning spec.testCases[1].currentResource: currentResource is ignored when overlayResource is also given (FT-12)",
  ]);
});

test("CACHE-5 koreo.dev/active: false is warned about as having no effect", () => {
  const d = define("ValueFunction", "return: {a: 1}", '  labels:\n    koreo.dev/active: "false"\n');
  assert.deepEqual(lint(d), ["warning metadata.labels['koreo.dev/active']: label koreo.dev/active has no effect; the definition is used anyway (CACHE-5)"]);
  assert.equal(lintDefinition(d)[0]?.line, 6);
});
