/**
 * FT-34 (revised 2026-12): every YAML file the CLI reads — definitions, `koreo render`'s
 * --trigger and --cluster files, `koreo eval --inputs` — takes unquoted yes/no/on/off as
 * booleans, as PyYAML and kubectl do. A trigger written `spec.flag: yes` renders exactly
 * as it reconciles after `kubectl apply`, which stores `true`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harness, kubectl } from "../support/apiserver.ts";
import { koreo } from "../support/cli.ts";

const PROGRAM = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: flags.test.koreo.example
spec:
  group: test.koreo.example
  scope: Namespaced
  names: {kind: Flag, plural: flags, singular: flag}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata:
  name: echo-flag
spec:
  return:
    flag: =inputs.flag
    isBool: =type(inputs.flag) == bool
---
apiVersion: koreo.dev/v1beta1
kind: Workflow
metadata:
  name: flags
spec:
  crdRef: {apiGroup: test.koreo.example, version: v1, kind: Flag}
  steps:
    - label: echo
      ref: {kind: ValueFunction, name: echo-flag}
      inputs:
        flag: =parent.spec.flag
      state:
        flag: =value.flag
        isBool: =value.isBool
`;

function trigger(flag: string): string {
  return `apiVersion: test.koreo.example/v1\nkind: Flag\nmetadata:\n  name: f\n  namespace: default\nspec:\n  flag: ${flag}\n`;
}

interface Pass {
  readonly outcome: string;
  readonly trigger: { spec: { flag: unknown }; status: { state: { flag: unknown; isBool: boolean } } };
}

async function render(flag: string): Promise<Pass> {
  const dir = await mkdtemp(join(tmpdir(), "koreo-yaml11-"));
  await writeFile(join(dir, "program.k.yaml"), PROGRAM);
  await writeFile(join(dir, "trigger.yaml"), trigger(flag));
  const run = await koreo("render", join(dir, "program.k.yaml"), "--trigger", join(dir, "trigger.yaml"), "--output", "json");
  assert.equal(run.code, 0, run.stderr);
  const last = (JSON.parse(run.stdout) as { passes: Pass[] }).passes.at(-1);
  assert.ok(last !== undefined);
  return last;
}

test("FT-34 koreo render of a trigger with `flag: yes` sees the boolean true in state, as kubectl apply would store it", async () => {
  const pass = await render("yes");
  assert.equal(pass.outcome, "Ok");
  assert.equal(pass.trigger.spec.flag, true, "the trigger as stored");
  assert.deepEqual(pass.trigger.status.state, { flag: true, isBool: true });
  for (const [word, value] of [
    ["Off", false],
    ["ON", true],
    ["no", false],
  ] as const) {
    assert.deepEqual((await render(word)).trigger.status.state, { flag: value, isBool: true }, word);
  }
  assert.deepEqual((await render('"yes"')).trigger.status.state, { flag: "yes", isBool: false }, "quoted stays a string");
  assert.deepEqual((await render("y")).trigger.status.state, { flag: "y", isBool: false }, "PyYAML leaves y/n strings");
});

test("FT-34 kubectl apply of the same trigger stores the values koreo render reads (yes/Off/ON/no)", { timeout: 120_000 }, async () => {
  const h = await harness();
  try {
    const k = kubectl(h);
    const crd = PROGRAM.split("\n---\n")[0] as string;
    const applied = await k.run(["apply", "-f", k.file("crd.yaml", crd)]);
    assert.equal(applied.code, 0, applied.stderr);
    for (const word of ["yes", "Off", "ON", "no", '"yes"']) {
      const put = await k.run(["apply", "-f", k.file("trigger.yaml", trigger(word))]);
      assert.equal(put.code, 0, put.stderr);
      const stored = await h.req("GET", "/apis/test.koreo.example/v1/namespaces/default/flags/f");
      assert.equal(stored.body.spec.flag, (await render(word)).trigger.spec.flag, word);
    }
  } finally {
    await h.close();
  }
});

test("FT-34 koreo eval --inputs (text and @file) reads yes/no/on/off as booleans, ints as ints, 1.0 as a double", async () => {
  const text = await koreo(
    "eval",
    "=[inputs.a, inputs.b, type(inputs.c) == int, type(inputs.d) == double, inputs.e]",
    "--inputs",
    "{inputs: {a: yes, b: off, c: 1, d: 1.0, e: 'on'}}",
  );
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, '[true,false,true,true,"on"]');
  const dir = await mkdtemp(join(tmpdir(), "koreo-yaml11-"));
  await writeFile(join(dir, "inputs.yaml"), "inputs:\n  enabled: On\n  disabled: NO\n");
  const file = await koreo("eval", "=inputs.enabled && !inputs.disabled", "--inputs", `@${join(dir, "inputs.yaml")}`);
  assert.equal(file.code, 0, file.stderr);
  assert.equal(file.stdout, "true");
});
