import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { clusterHarness, FIXTURES, lines, type ClusterHarness } from "../support/cli-cluster.ts";

let h: ClusterHarness;
let triggerUid = "";
const uids: Record<string, string> = {};

const record = (name: string) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  name,
  readonly: false,
  namespace: "team",
  resourceFunction: "greeting-config-map",
});

/** ST-11 shape, set by hand: a record, a forEach list (one object gone), a sub-Workflow, a ValueFunction step. */
const MANAGED = JSON.stringify({
  workflow: "greeter-flow",
  resources: {
    config: record("hello-greeting"),
    items: [record("item-0"), record("item-gone")],
    sub: { workflow: "inner", resources: { nested: record("hello-greeting"), compute: null } },
    value: null,
  },
});

before(async () => {
  h = await clusterHarness();
  const applied = await h.koreo("apply", "--include-crds", "-n", "team", "--create-namespaces", "infra/crds", join(FIXTURES, "program"));
  assert.equal(applied.code, 0, applied.stderr);
  const trigger = await h.cluster.create({
    apiVersion: "demo.koreo.test/v1",
    kind: "Greeter",
    metadata: { name: "hello", namespace: "team", annotations: { "koreo.dev/managed-resources": MANAGED } },
    spec: { name: "hello" },
    status: { conditions: [{ type: "Ready", status: "True", reason: "Ready", message: "All steps ran" }] },
  });
  assert.ok(trigger.ok);
  triggerUid = String((trigger.value.metadata as { uid: string }).uid);
  for (const name of ["hello-greeting", "item-0"]) {
    const made = await h.cluster.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "team" }, data: { text: "Hello" } });
    assert.ok(made.ok);
    uids[name] = String((made.value.metadata as { uid: string }).uid);
  }
  const bare = await h.cluster.create({
    apiVersion: "demo.koreo.test/v1",
    kind: "Greeter",
    metadata: { name: "never-run", namespace: "team" },
    spec: { name: "x" },
  });
  assert.ok(bare.ok);
});
after(() => h.close());

test("CLI-14 / CLI-2 / ST-11 inspect prints the trigger, then each managed resource by step, marking missing ones", async () => {
  const run = await h.koreo("inspect", "greeter", "hello", "-n", "team");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(lines(run.stdout), [
    `Greeter/team/hello  apiVersion=demo.koreo.test/v1  uid=${triggerUid}`,
    "  Workflow 'greeter-flow':",
    "  Step 'config' managed resource:",
    `    ConfigMap/team/hello-greeting  apiVersion=v1  uid=${uids["hello-greeting"]}`,
    "  Step 'items' managed resources:",
    `    ConfigMap/team/item-0  apiVersion=v1  uid=${uids["item-0"]}`,
    "    ConfigMap/team/item-gone  apiVersion=v1  MISSING",
    "  Step 'sub' managed resources (sub-workflow):",
    "    Workflow 'inner':",
    "    Step 'nested' managed resource:",
    `      ConfigMap/team/hello-greeting  apiVersion=v1  uid=${uids["hello-greeting"]}`,
    "    Step 'compute': no managed resource",
    "  Step 'value': no managed resource",
  ]);
});

test("CLI-14 / CLI-2 -v adds status.conditions, -vv the spec, -vvv the whole object", async () => {
  const v = await h.koreo("inspect", "Greeter", "hello", "-n", "team", "-v");
  assert.match(v.stdout, /^  conditions:\n    Ready=True Ready: All steps ran$/m);
  assert.doesNotMatch(v.stdout, /spec:/);
  const vv = await h.koreo("inspect", "Greeter", "hello", "-n", "team", "-vv");
  assert.match(vv.stdout, /^  spec:\n    \{\n      "name": "hello"\n    \}$/m);
  const vvv = await h.koreo("inspect", "Greeter", "hello", "-n", "team", "-vvv");
  assert.match(vvv.stdout, /^  object:$/m);
  assert.match(vvv.stdout, /"koreo\.dev\/managed-resources": /);
});

test("CLI-14 --output json mirrors the annotation's shape with each record resolved", async () => {
  const run = await h.koreo("inspect", "greeters.demo.koreo.test", "hello", "-n", "team", "-o", "json", "-v");
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.uid, triggerUid);
  assert.equal(report.found, true);
  assert.deepEqual(report.conditions, [{ type: "Ready", status: "True", reason: "Ready", message: "All steps ran" }]);
  assert.equal(report.managed.workflow, "greeter-flow");
  assert.equal(report.managed.resources.config.uid, uids["hello-greeting"]);
  assert.deepEqual(
    report.managed.resources.items.map((i: { name: string; found: boolean; missing: boolean }) => [i.name, i.found, i.missing]),
    [
      ["item-0", true, false],
      ["item-gone", false, true],
    ],
  );
  assert.deepEqual(report.managed.resources.sub.resources.compute, null);
  assert.equal(report.managed.resources.value, null);
});

test("CLI-14 a trigger without the annotation prints only itself; a missing trigger exits 1", async () => {
  const bare = await h.koreo("inspect", "greeter", "never-run", "-n", "team");
  assert.equal(bare.code, 0, bare.stderr);
  assert.equal(lines(bare.stdout).length, 1);
  assert.match(bare.stdout, /^Greeter\/team\/never-run  apiVersion=demo\.koreo\.test\/v1  uid=\S+$/);
  const missing = await h.koreo("inspect", "greeter", "nobody", "-n", "team");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Greeter team\/nobody not found/);
});

test("CLI-14 / CLI-16 usage errors exit 2", async () => {
  assert.equal((await h.koreo("inspect", "greeter")).code, 2);
  assert.equal((await h.koreo("inspect", "greeter", "hello", "-o", "yaml")).code, 2);
});
