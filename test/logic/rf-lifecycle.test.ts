import { test } from "node:test";
import assert from "node:assert/strict";
import { LAST_APPLIED_ANNOTATION } from "../../src/logic/index.ts";
import { parseJsonValue, type ValueMap } from "../../src/value/value.ts";
import { OWNER, RESOURCE, annotations, at, configMapSpec, harness, rf } from "../support/resource-function.ts";

const inputs = { name: "cm", color: "red" };

test("RF-21 absent resource is created; Retry 'Creating <Kind>:<ns>:<name>.' with create.delay", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "create: {delay: 12}"));
  const result = await h.run(fn, inputs);
  assert.deepEqual(result.outcome, { kind: "Retry", delay: 12, message: "Creating ConfigMap:ns:cm." });
  assert.equal(at(h.live(), "data", "color"), "red");
  assert.deepEqual(h.cluster.calls.counts().get, 1);
  assert.deepEqual(h.cluster.calls.counts().create, 1);
});

test("RF-10 / RF-22 / RF-26 a matching resource costs one GET and no write, then return sees the live object", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE));
  await h.run(fn, inputs);
  h.cluster.calls.reset();
  const result = await h.run(fn, inputs);
  assert.deepEqual(result.outcome, { kind: "Ok", value: { color: "red" } });
  assert.equal(h.cluster.calls.total(), 1);
  assert.equal(h.cluster.calls.counts().get, 1);
});

test("RF-19 create body carries the last-applied annotation: the sent body without itself, other annotations kept", async () => {
  const h = harness();
  const fn = rf(
    configMapSpec(`
resource:
  metadata: {annotations: {keep: me}}
  data: {color: =inputs.color}
`),
  );
  await h.run(fn, inputs, { owner: null });
  const live = h.live();
  const anns = annotations(live);
  assert.equal(anns.keep, "me");
  const applied = parseJsonValue(String(anns[LAST_APPLIED_ANNOTATION]));
  assert.deepEqual(applied, {
    metadata: { annotations: { keep: "me" }, name: "cm", namespace: "ns" },
    data: { color: "red" },
    apiVersion: "v1",
    kind: "ConfigMap",
  });
});

test("RF-18 / FTF-2 directive keys steer the comparison but are stripped from the body and the annotation", async () => {
  const h = harness();
  const fn = rf(
    configMapSpec(`
resource:
  x-koreo-compare-last-applied: [data]
  data: {color: =inputs.color}
`),
  );
  await h.run(fn, inputs, { owner: null });
  const live = h.live() as ValueMap;
  assert.equal("x-koreo-compare-last-applied" in live, false);
  const applied = parseJsonValue(String(annotations(live)[LAST_APPLIED_ANNOTATION])) as ValueMap;
  assert.equal("x-koreo-compare-last-applied" in applied, false);
  // FTF-2: the stored body minus the annotation is the target minus directives.
  const { metadata, ...rest } = live;
  assert.deepEqual(rest.data, { color: "red" });
  assert.equal(at(metadata, "name"), "cm");
});

test("RF-23 patch: a merge patch of the whole target, Retry 'Patching `...` due to <path>.' with the patch delay", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "update: {patch: {delay: 7}}"));
  await h.run(fn, inputs);
  h.cluster.calls.reset();
  const result = await h.run(fn, { ...inputs, color: "blue" });
  assert.deepEqual(result.outcome, {
    kind: "Retry",
    delay: 7,
    message: "Patching `ConfigMap:ns:cm` due to 'data' -> 'color' -> <target:[blue], resource:[red]>.",
  });
  assert.equal(at(h.live(), "data", "color"), "blue");
  assert.deepEqual(at(parseJsonValue(String(annotations(h.live())[LAST_APPLIED_ANNOTATION])), "data"), { color: "blue" });
  assert.equal(h.cluster.calls.counts().mergePatch, 1);
});

test("RF-23 recreate deletes and says why; the next reconcile creates again", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "update: {recreate: {delay: 9}}"));
  await h.run(fn, inputs);
  const result = await h.run(fn, { ...inputs, color: "blue" });
  assert.deepEqual(result.outcome, {
    kind: "Retry",
    delay: 9,
    message: "Deleting ConfigMap:ns:cm to recreate due to 'data' -> 'color' -> <target:[blue], resource:[red]>.",
  });
  assert.equal(h.live(), undefined);
  const again = await h.run(fn, { ...inputs, color: "blue" });
  assert.equal(again.outcome.kind, "Retry");
  assert.equal(at(h.live(), "data", "color"), "blue");
});

test("RF-23 never: differences are ignored and return sees the live values (RF-26)", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "update: {never: {}}"));
  await h.run(fn, inputs);
  h.cluster.calls.reset();
  const result = await h.run(fn, { ...inputs, color: "blue" });
  assert.deepEqual(result.outcome, { kind: "Ok", value: { color: "red" } });
  assert.equal(h.cluster.calls.writes(), 0);
});

test("RF-7 absent update means patch with delay 30; RF-44 create default delay 30", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE));
  const created = await h.run(fn, inputs);
  assert.equal(created.outcome.kind === "Retry" && created.outcome.delay, 30);
  const patched = await h.run(fn, { ...inputs, color: "blue" });
  assert.equal(patched.outcome.kind === "Retry" && patched.outcome.delay, 30);
});

test("RF-24 create adds the owner reference when the owner shares the namespace", async () => {
  const h = harness();
  await h.run(rf(configMapSpec(RESOURCE)), inputs);
  const refs = at(h.live(), "metadata", "ownerReferences");
  assert.deepEqual(refs, [{ ...OWNER.reference }]);
  const applied = parseJsonValue(String(annotations(h.live())[LAST_APPLIED_ANNOTATION]));
  assert.deepEqual(at(applied, "metadata", "ownerReferences"), [{ ...OWNER.reference }]);
});

test("RF-24 no owner reference across namespaces, with owned: false, or for cluster-scoped kinds", async () => {
  const h = harness();
  await h.run(rf(configMapSpec(RESOURCE)), inputs, { owner: { ...OWNER, namespace: "other" } });
  assert.equal(at(h.live(), "metadata", "ownerReferences"), undefined);
  const h2 = harness();
  await h2.run(rf(configMapSpec(RESOURCE, "  owned: false")), inputs);
  assert.equal(at(h2.live(), "metadata", "ownerReferences"), undefined);
});

test("RF-24 a missing owner is a difference: patch adds it to the live list, message lists no path", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE));
  await h.run(fn, inputs, { owner: null });
  const other = { apiVersion: "v1", kind: "Thing", name: "t", uid: "other-uid" };
  await h.cluster.mergePatch({ apiVersion: "v1", kind: "ConfigMap", name: "cm", namespace: "ns" }, { metadata: { ownerReferences: [other] } });
  const result = await h.run(fn, inputs);
  assert.deepEqual(result.outcome, { kind: "Retry", delay: 30, message: "Patching `ConfigMap:ns:cm` due to ." });
  assert.deepEqual(at(h.live(), "metadata", "ownerReferences"), [other, { ...OWNER.reference }]);
  h.cluster.calls.reset();
  const settled = await h.run(fn, inputs);
  assert.equal(settled.outcome.kind, "Ok");
  assert.equal(h.cluster.calls.writes(), 0);
});

test("RF-24 recommendation: a corrupt live ownerReferences counts as absent; never does nothing about it", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE));
  await h.run(fn, inputs, { owner: null });
  const ref = { apiVersion: "v1", kind: "ConfigMap", name: "cm", namespace: "ns" };
  await h.cluster.mergePatch(ref, { metadata: { ownerReferences: "garbage" } });
  const result = await h.run(fn, inputs);
  assert.equal(result.outcome.kind, "Retry");
  const never = rf(configMapSpec(RESOURCE + "update: {never: {}}"));
  const h2 = harness();
  await h2.run(never, inputs, { owner: null });
  h2.cluster.calls.reset();
  assert.equal((await h2.run(never, inputs)).outcome.kind, "Ok");
  assert.equal(h2.cluster.calls.writes(), 0);
});

test("RF-24 recreate on a missing owner deletes with an empty difference list", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "update: {recreate: {}}"));
  await h.run(fn, inputs, { owner: null });
  const result = await h.run(fn, inputs);
  assert.deepEqual(result.outcome, { kind: "Retry", delay: 30, message: "Deleting ConfigMap:ns:cm to recreate due to ." });
});

test("FTF-3 without an owner in the context (FunctionTests) no owner reference is ever added", async () => {
  const h = harness();
  await h.run(rf(configMapSpec(RESOURCE)), inputs, { owner: null });
  assert.equal(at(h.live(), "metadata", "ownerReferences"), undefined);
});

test("RF-25 no labels of our own are added", async () => {
  const h = harness();
  await h.run(rf(configMapSpec("resource: {metadata: {labels: {a: b}}, data: {x: y}}")), inputs);
  assert.deepEqual(at(h.live(), "metadata", "labels"), { a: "b" });
});

test("RF-6 create.overlay applies only on create and is not part of later difference checks", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "create:\n  overlay:\n    data: {seed: =inputs.color + '-seed'}\n    metadata: {name: renamed}"));
  await h.run(fn, inputs);
  const live = h.live();
  assert.equal(at(live, "data", "seed"), "red-seed");
  assert.equal(at(live, "metadata", "name"), "cm"); // forced identity re-applied after the create overlay
  h.cluster.calls.reset();
  assert.equal((await h.run(fn, inputs)).outcome.kind, "Ok");
  assert.equal(h.cluster.calls.writes(), 0);
});

test("RF-23 patch does not re-apply create.overlay", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "create: {overlay: {data: {seed: s}}}"));
  await h.run(fn, inputs);
  await h.run(fn, { ...inputs, color: "blue" });
  const applied = parseJsonValue(String(annotations(h.live())[LAST_APPLIED_ANNOTATION]));
  assert.deepEqual(at(applied, "data"), { color: "blue" });
});
