/** CTL-19: a remote managed cluster takes everything ResourceFunctions do; the trigger stays home. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createInMemoryCluster } from "../../src/cluster/adapters/in-memory.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { isMap } from "../../src/value/value.ts";
import { reconcileTrigger } from "../../src/workflow/index.ts";
import { appCluster, conditionsOf, configMapFunction, DEMO, plain, program, stored, trigger, workflow } from "../support/workflow.ts";

const CRD = "crdRef: {apiGroup: acme.example.com, version: v1, kind: App}";
const PROGRAM =
  configMapFunction("cm") +
  workflow(
    "okflow",
    `${CRD}\nsteps:\n  - label: cfg\n    ref: {kind: ResourceFunction, name: cm}\n    inputs: {name: made, namespace: t, value: =parent.spec.v}\n    condition: {type: Config, name: config map}\n    state: {made: =value.name}\n`,
  );
const CONFIG_MAP = { apiVersion: "v1", kind: "ConfigMap", name: "made", namespace: "t" };

test("CTL-19 managed objects land in the managed cluster, owned by the trigger; the trigger is read and patched on its own cluster", async () => {
  const registry = program(PROGRAM);
  const home = appCluster([trigger({ v: 1 })]);
  const remote = createInMemoryCluster({ clock: fixedClock(Date.UTC(2025, 5, 9)) });
  const deps = { cluster: home, managedCluster: remote, definitions: registry, clock: fixedClock(Date.UTC(2025, 5, 9, 14)), logger: silentLogger };

  const first = await reconcileTrigger(DEMO, deps);
  assert.equal(first.outcome.kind, "Retry", "a create is re-checked after its delay");
  const created = await remote.get(CONFIG_MAP);
  assert.ok(created.ok, "the ConfigMap was created in the managed cluster");
  assert.equal((await home.get(CONFIG_MAP)).ok, false, "and not in the controller's own cluster");
  const owners = isMap(created.value.metadata) ? created.value.metadata.ownerReferences : undefined;
  assert.deepEqual(plain(owners), [
    { apiVersion: "acme.example.com/v1", kind: "App", name: "demo", uid: "uid-demo", blockOwnerDeletion: true, controller: false },
  ]);

  const second = await reconcileTrigger(DEMO, deps);
  assert.equal(second.outcome.kind, "Ok", "the managed object is read back from the managed cluster");
  const parent = await stored(home);
  assert.deepEqual(plain((parent.status as { state: never }).state), { made: "made" }, "the ST-1 patch went to the trigger's cluster");
  assert.ok(conditionsOf(parent).some((c) => c.type === "Config"));
  assert.equal((await remote.get(DEMO)).ok, false, "the trigger does not exist in the managed cluster");
});

test("CTL-19 without a managed cluster, ResourceFunctions act on the controller's cluster", async () => {
  const home = appCluster([trigger({ v: 1 })]);
  await reconcileTrigger(DEMO, { cluster: home, definitions: program(PROGRAM), clock: fixedClock(Date.UTC(2025, 5, 9, 14)), logger: silentLogger });
  assert.ok((await home.get(CONFIG_MAP)).ok);
});
