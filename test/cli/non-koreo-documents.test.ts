/**
 * CLI-11 (corrected 2026-12): documents that are not one of the five Koreo kinds —
 * whatever their apiVersion, also `koreo.dev/v1beta1` ones such as the TriggerDummy the
 * Koreo authors keep beside their programs — are an info line in `koreo validate` and are
 * skipped by `test`, `validate`, `apply` and `render`; they never stop a command.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { koreo, lastLine } from "../support/cli.ts";
import { clusterHarness } from "../support/cli-cluster.ts";

const DUMMY = `apiVersion: koreo.dev/v1beta1
kind: TriggerDummy
metadata:
  name: sample-trigger
  namespace: default
spec:
  greeting: hello
`;

const VF = `apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata:
  name: shout
spec:
  return:
    loud: =inputs.greeting + "!"
`;

const TEST = `apiVersion: koreo.dev/v1beta1
kind: FunctionTest
metadata:
  name: shout-test
spec:
  functionRef: {kind: ValueFunction, name: shout}
  inputs:
    greeting: hello
  testCases:
    - label: shouts
      expectReturn:
        loud: hello!
`;

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "koreo-non-koreo-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

test("CLI-11 koreo test of a folder holding a koreo.dev/v1beta1 TriggerDummy runs the FunctionTest beside it and passes", async () => {
  const dir = await folder({ "dummy.yaml": DUMMY, "shout.k.yaml": VF, "shout.test.k.yaml": TEST });
  const run = await koreo("test", dir);
  assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
  assert.match(run.stdout, /^PASS shout-test /m);
  assert.equal(lastLine(run.stdout), "1 passed, 0 failed");
  assert.equal(run.stderr, "", "nothing to warn about");
});

test("CLI-11 koreo validate prints the TriggerDummy as an info line at its kind and exits 0 (text and json)", async () => {
  const dir = await folder({ "dummy.yaml": DUMMY, "shout.k.yaml": VF, "shout.test.k.yaml": TEST });
  const run = await koreo("validate", dir);
  assert.equal(run.code, 0, run.stdout);
  assert.equal(run.stdout, `${dir}/dummy.yaml:2:1: info: TriggerDummy/sample-trigger: 'TriggerDummy' is not a supported Koreo Resource.`);
  const json = await koreo("validate", dir, "--format", "json");
  assert.equal(json.code, 0);
  assert.deepEqual(JSON.parse(json.stdout), [
    {
      file: `${dir}/dummy.yaml`,
      line: 2,
      column: 1,
      severity: "info",
      kind: "TriggerDummy",
      name: "sample-trigger",
      path: null,
      message: "'TriggerDummy' is not a supported Koreo Resource.",
    },
  ]);
});

test("CLI-11 whatever the apiVersion: a v1 ConfigMap and a near miss of a Koreo kind are info lines too, never errors", async () => {
  const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n";
  const typo = "apiVersion: koreo.dev/v1beta1\nkind: ValueFunctions\nmetadata: {name: typo}\nspec: {return: {a: 1}}\n";
  const dir = await folder({ "cm.yaml": configMap, "typo.k.yaml": typo, "shout.k.yaml": VF });
  const run = await koreo("validate", dir);
  assert.equal(run.code, 0, run.stdout);
  assert.deepEqual(run.stdout.split("\n"), [
    `${dir}/cm.yaml:2:1: info: ConfigMap/settings: 'ConfigMap' is not a supported Koreo Resource.`,
    `${dir}/typo.k.yaml:2:1: info: ValueFunctions/typo: 'ValueFunctions' is not a supported Koreo Resource. (did you mean 'ValueFunction'?)`,
  ]);
});

const RENDER_PROGRAM = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: greeters.test.koreo.example
spec:
  group: test.koreo.example
  scope: Namespaced
  names: {kind: Greeter, plural: greeters, singular: greeter}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: koreo.dev/v1beta1
kind: Workflow
metadata:
  name: greeter
spec:
  crdRef: {apiGroup: test.koreo.example, version: v1, kind: Greeter}
  steps:
    - label: shout
      ref: {kind: ValueFunction, name: shout}
      inputs:
        greeting: =parent.spec.greeting
      state:
        loud: =value.loud
`;

const GREETER = "apiVersion: test.koreo.example/v1\nkind: Greeter\nmetadata: {name: g, namespace: default}\nspec: {greeting: hi}\n";

test("CLI-11 koreo render goes on past a TriggerDummy among the program's files (no CRD serves it: it is not seeded)", async () => {
  const dir = await folder({ "program.k.yaml": RENDER_PROGRAM, "shout.k.yaml": VF, "dummy.yaml": DUMMY, "trigger.yaml": GREETER });
  const run = await koreo(
    "render",
    join(dir, "program.k.yaml"),
    join(dir, "shout.k.yaml"),
    join(dir, "dummy.yaml"),
    "--trigger",
    join(dir, "trigger.yaml"),
    "--output",
    "json",
  );
  assert.equal(run.code, 0, run.stderr);
  const { passes } = JSON.parse(run.stdout) as { passes: Array<{ outcome: string; trigger: { status: { state: unknown } } }> };
  assert.equal(passes.at(-1)?.outcome, "Ok");
  assert.deepEqual(passes.at(-1)?.trigger.status.state, { loud: "hi!" });
  assert.match(run.stderr, /^koreo render: info: TriggerDummy sample-trigger \(.*dummy\.yaml:1\) not seeded: /);
});

test("CLI-11 koreo apply skips a TriggerDummy and applies the definitions beside it", async () => {
  const h = await clusterHarness();
  try {
    const crds = await h.koreo("apply", "--include-crds", "infra/crds");
    assert.equal(crds.code, 0, crds.stderr);
    const dir = await folder({ "dummy.yaml": DUMMY, "shout.k.yaml": VF });
    const run = await h.koreo("apply", "-n", "default", dir);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "created ValueFunction/default/shout");
    assert.equal(run.stderr, "", "info lines are koreo validate's");
  } finally {
    await h.close();
  }
});
