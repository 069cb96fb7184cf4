/**
 * CLI-11 diagnostics: each problem at the offending node, said once and usefully —
 * an expression syntax error at the expression string, a missing reference with a
 * "did you mean" when a near name exists, a schema violation naming its field once.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { koreo } from "../support/cli.ts";

async function validate(text: string): Promise<{ code: number; lines: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), "koreo-diagnostics-"));
  await writeFile(join(dir, "program.k.yaml"), text);
  const run = await koreo("validate", dir);
  return { code: run.code, lines: run.stdout.split("\n").map((l) => l.replace(`${dir}/`, "")) };
}

test("CLI-11 an expression syntax error is reported at the line and column of the expression string, with its field path", async () => {
  const run = await validate(`apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata:
  name: broken-return
spec:
  locals:
    fine: =inputs.a
  return:
    other: plain
    value: =inputs.a +
---
apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata:
  name: broken-assert
spec:
  preconditions:
    - assert: |
        =inputs.a >
      permFail: {message: never}
  return: {ok: =true}
`);
  assert.equal(run.code, 1);
  const [value, assertion] = run.lines.filter((l) => l.includes("Parsing error"));
  assert.match(value ?? "", /^program\.k\.yaml:10:12: error: ValueFunction\/broken-return: spec\.return\.value: Parsing error at line 1, column 10\. /);
  assert.match(assertion ?? "", /^program\.k\.yaml:18:15: error: ValueFunction\/broken-assert: spec\.preconditions\[0\]\.assert: Parsing error /);
});

test("CLI-11 a Workflow step input's syntax error points at that input's expression", async () => {
  const run = await validate(`apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata: {name: echo}
spec:
  return: {v: =inputs.v}
---
apiVersion: koreo.dev/v1beta1
kind: Workflow
metadata: {name: wf}
spec:
  steps:
    - label: echo
      ref: {kind: ValueFunction, name: echo}
      inputs:
        v: =1 +
`);
  assert.ok(
    run.lines.some((l) => l.startsWith("program.k.yaml:15:12: error: Workflow/wf: spec.steps[0].inputs.v: Parsing error")),
    run.lines.join("\n"),
  );
});

test("CLI-11 a reference to a missing function or template is 'not defined in the given paths', with did you mean when a near name exists", async () => {
  const run = await validate(`apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata: {name: greeting}
spec:
  return: {v: =inputs.v}
---
apiVersion: koreo.dev/v1beta1
kind: ResourceTemplate
metadata: {name: config-map-template}
spec:
  template: {apiVersion: v1, kind: ConfigMap}
---
apiVersion: koreo.dev/v1beta1
kind: FunctionTest
metadata: {name: typo-test}
spec:
  functionRef: {kind: ValueFunction, name: greetng}
---
apiVersion: koreo.dev/v1beta1
kind: ResourceFunction
metadata: {name: rf}
spec:
  apiConfig: {apiVersion: v1, kind: ConfigMap, name: x, namespace: team}
  resourceTemplateRef: {name: config-map-templat}
---
apiVersion: koreo.dev/v1beta1
kind: Workflow
metadata: {name: wf}
spec:
  steps:
    - label: first
      ref: {kind: ValueFunction, name: greting}
    - label: second
      ref: {kind: ValueFunction, name: something-else}
`);
  assert.equal(run.code, 1);
  const problems = run.lines.filter((l) => l.includes("not defined"));
  assert.deepEqual(problems, [
    "program.k.yaml:17:38: error: FunctionTest/typo-test: spec.functionRef.name: ValueFunction 'greetng' is not defined in the given paths; did you mean 'greeting'?",
    "program.k.yaml:24:25: error: ResourceFunction/rf: spec.resourceTemplateRef.name: ResourceTemplate 'config-map-templat' is not defined in the given paths; did you mean 'config-map-template'?",
    "program.k.yaml:32:7: error: Workflow/wf: spec.steps[0].ref: ValueFunction 'greting' is not defined in the given paths; did you mean 'greeting'?",
    "program.k.yaml:34:7: error: Workflow/wf: spec.steps[1].ref: ValueFunction 'something-else' is not defined in the given paths",
  ]);
});

test("CLI-11 a schema type error states its field once: `spec.create.delay: must be an integer`", async () => {
  const run = await validate(`apiVersion: koreo.dev/v1beta1
kind: ResourceFunction
metadata: {name: rf}
spec:
  apiConfig: {apiVersion: v1, kind: ConfigMap, name: x, namespace: team}
  resource: {data: {a: b}}
  create:
    delay: soon
  overlays: {not: a list}
`);
  assert.equal(run.code, 1);
  assert.deepEqual(run.lines, [
    "program.k.yaml:8:5: error: ResourceFunction/rf: spec.create.delay: must be an integer",
    "program.k.yaml:9:3: error: ResourceFunction/rf: spec.overlays: must be a list",
  ]);
});

test("CLI-11 / EXPR-106 an invalid constant regular expression is a validation error at its expression", async () => {
  const run = await validate(`apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata:
  name: check-name
spec:
  return:
    fine: =inputs.name.matches("^[a-z]+$")
    letters: =inputs.name.matches("\\\\p{L}+")
`);
  assert.equal(run.code, 1);
  assert.deepEqual(
    run.lines.filter((l) => l.includes("error")),
    [
      "program.k.yaml:8:14: error: ValueFunction/check-name: spec.return.letters: Expression rejected in ValueFunction:check-name:spec.return: invalid regular expression '\\p{L}+': bad escape \\p at position 2",
    ],
  );
});
