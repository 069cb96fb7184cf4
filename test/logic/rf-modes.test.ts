import { test } from "node:test";
import assert from "node:assert/strict";
import type { ClusterApi } from "../../src/cluster/cluster-api.ts";
import { Outcome } from "../../src/outcome/outcome.ts";
import type { ValueMap } from "../../src/value/value.ts";
import { RESOURCE, at, configMapSpec, harness, rf } from "../support/resource-function.ts";

const inputs = { name: "cm", color: "red" };
const retry = (delay: number, message: string) => Outcome.retry(delay, message);

test("RF-11 deleteIfExists deletes a found resource: Retry 'Deleting <Kind>:<ns>:<name>.' delay 30", async () => {
  const h = harness();
  await h.run(rf(configMapSpec(RESOURCE)), inputs);
  const fn = rf(configMapSpec("resource: {data: =1/0}\nreturn: {seen: =resource}", "  deleteIfExists: true"));
  const result = await h.run(fn, inputs);
  assert.deepEqual(result.outcome, retry(30, "Deleting ConfigMap:ns:cm."));
  assert.equal(h.live(), undefined);
  // Absent: postconditions and return run with resource = {} (the body is never evaluated).
  assert.deepEqual((await h.run(fn, inputs)).outcome, Outcome.ok({ seen: {} }));
});

test("RF-12 readonly: absent → Retry '... not found. Waiting...' 30; found → live used, never compared or patched", async () => {
  const h = harness();
  const fn = rf(
    configMapSpec(
      "resource: {data: =1/0}\nreturn: {color: =resource.data.color}\noverlays: [{overlayRef: {kind: ValueFunction, name: missing}}]",
      "  readonly: true",
    ),
  );
  assert.deepEqual((await h.run(fn, inputs)).outcome, retry(30, "ConfigMap:ns:cm not found. Waiting..."));
  await h.run(rf(configMapSpec(RESOURCE)), { name: "cm", color: "green" });
  h.cluster.calls.reset();
  const result = await h.run(fn, inputs);
  assert.deepEqual(result.outcome, Outcome.ok({ color: "green" }));
  assert.equal(h.cluster.calls.writes(), 0);
  assert.equal(at(h.live(), "metadata", "ownerReferences", "length"), undefined);
});

test("RF-13 create disabled: absent → the readonly Retry; existing → managed normally (patched)", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "create: {enabled: false}"));
  assert.deepEqual((await h.run(fn, inputs)).outcome, retry(30, "ConfigMap:ns:cm not found. Waiting..."));
  await h.run(rf(configMapSpec(RESOURCE)), { name: "cm", color: "green" });
  const result = await h.run(fn, inputs);
  assert.equal(result.outcome.kind, "Retry");
  assert.match(result.outcome.kind === "Retry" ? (result.outcome.message ?? "") : "", /^Patching/);
});

test("RF-14 an integer name becomes its string form", async () => {
  const h = harness();
  const result = await h.run(rf(configMapSpec(RESOURCE)), { name: 42n, color: "red" });
  assert.deepEqual(result.outcome, retry(30, "Creating ConfigMap:ns:42."));
});

test("RF-14 an empty namespace for a namespaced type is a PermFail; evaluation errors are PermFails", async () => {
  const h = harness();
  const fn = rf(`
apiConfig: {apiVersion: v1, kind: ConfigMap, plural: configmaps, name: cm, namespace: =inputs.ns}
resource: {data: {a: b}}
`);
  const empty = await h.run(fn, { ns: "" });
  assert.equal(empty.outcome.kind, "PermFail");
  assert.match(empty.outcome.kind === "PermFail" ? (empty.outcome.message ?? "") : "", /`namespace` is required when `spec.apiConfig.namespaced` is `true`/);
  assert.equal(empty.resource, undefined);
  const broken = await h.run(fn, {});
  assert.equal(broken.outcome.kind, "PermFail");
  assert.match(broken.outcome.kind === "PermFail" ? (broken.outcome.message ?? "") : "", /Error evaluating `ResourceFunction:ns:rf:spec.apiConfig`/);
  assert.equal(h.cluster.calls.total(), 0);
});

test("RF-14 recommendation: a cluster-scoped type ignores a given namespace (and never gets an owner)", async () => {
  const h = harness();
  const fn = rf(`
apiConfig: {apiVersion: v1, kind: Namespace, plural: namespaces, namespaced: false, name: team-a, namespace: ns}
resource: {metadata: {labels: {team: a}}}
`);
  const result = await h.run(fn, {});
  assert.deepEqual(result.outcome, retry(30, "Creating Namespace:team-a."));
  const created = h.live("team-a");
  assert.equal(at(created, "metadata", "namespace"), undefined);
  assert.equal(at(created, "metadata", "ownerReferences"), undefined);
});

test("RF-20 read failures: server errors → 'ServerError loading', client failures → 'Failure loading', delay 30", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE));
  h.cluster.failNext("get", { reason: "Unavailable", status: 503, message: "down" });
  const server = await h.run(fn, inputs);
  assert.equal(server.outcome.kind === "Retry" && server.outcome.delay, 30);
  assert.match(server.outcome.kind === "Retry" ? (server.outcome.message ?? "") : "", /^ServerError loading ConfigMap cm\. \(503: down\)/);
  h.cluster.failNext("get", { reason: "Unknown", message: "socket hang up" });
  const client = await h.run(fn, inputs);
  assert.match(client.outcome.kind === "Retry" ? (client.outcome.message ?? "") : "", /^Failure loading ConfigMap cm\./);
});

test("RF-21 create failures: 409 waits on the competitor; 422 is PermFail; recommendation: 5xx retries with create.delay", async () => {
  const fn = rf(configMapSpec(RESOURCE + "create: {delay: 11}"));
  const h = harness();
  h.cluster.failNext("create", { reason: "Conflict", status: 409, message: "exists" });
  assert.deepEqual((await h.run(fn, inputs)).outcome, retry(11, "Waiting on competing creation of ConfigMap:ns:cm."));
  h.cluster.failNext("create", { reason: "Invalid", status: 422, message: "bad field" });
  const invalid = await h.run(fn, inputs);
  assert.equal(invalid.outcome.kind, "PermFail");
  assert.match(invalid.outcome.kind === "PermFail" ? (invalid.outcome.message ?? "") : "", /^Error creating ConfigMap:ns:cm: 422/);
  h.cluster.failNext("create", { reason: "Unavailable", status: 503, message: "busy" });
  const busy = await h.run(fn, inputs);
  assert.equal(busy.outcome.kind === "Retry" && busy.outcome.delay, 11);
});

test("RF-28 patch failures: 404 → Retry 30; 409/429/5xx → Retry with the patch delay; 422 → PermFail 'Error patching'", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "update: {patch: {delay: 8}}"));
  await h.run(fn, inputs);
  const changed = { ...inputs, color: "blue" };
  h.cluster.failNext("mergePatch", { reason: "NotFound", status: 404, message: "gone" });
  const gone = await h.run(fn, changed);
  assert.equal(gone.outcome.kind === "Retry" && gone.outcome.delay, 30);
  for (const [reason, status] of [
    ["Conflict", 409],
    ["TooManyRequests", 429],
    ["Unavailable", 500],
  ] as const) {
    h.cluster.failNext("mergePatch", { reason, status, message: "later" });
    const out = await h.run(fn, changed);
    assert.equal(out.outcome.kind === "Retry" && out.outcome.delay, 8, reason);
  }
  h.cluster.failNext("mergePatch", { reason: "Invalid", status: 422, message: "nope" });
  const invalid = await h.run(fn, changed);
  assert.deepEqual(invalid.outcome, Outcome.permFail("Error patching ConfigMap:ns:cm: 422: nope"));
});

test("RF-28 delete failures: 404 counts as deleted; 403 is a PermFail", async () => {
  const h = harness();
  await h.run(rf(configMapSpec(RESOURCE)), inputs);
  const fn = rf(configMapSpec(RESOURCE, "  deleteIfExists: true"));
  h.cluster.failNext("delete", { reason: "NotFound", status: 404, message: "gone" });
  assert.deepEqual((await h.run(fn, inputs)).outcome, retry(30, "Deleting ConfigMap:ns:cm."));
  h.cluster.failNext("delete", { reason: "Forbidden", status: 403, message: "no" });
  assert.deepEqual((await h.run(fn, inputs)).outcome, Outcome.permFail("Error deleting ConfigMap:ns:cm: 403: no"));
});

test("RF-40 without apiConfig.plural the plural is discovered; an unknown kind is a PermFail naming the fix", async () => {
  const h = harness();
  const fn = rf(`
apiConfig: {apiVersion: v1, kind: ConfigMap, name: cm, namespace: ns}
resource: {data: {a: b}}
`);
  const created = await h.run(fn, {});
  assert.equal(created.resource?.plural, "configmaps");
  assert.equal(h.cluster.calls.counts().discover, 1);
  const unknown = rf("apiConfig: {apiVersion: acme.io/v1, kind: Widget, name: w, namespace: ns}\nresource: {spec: {}}");
  const failed = await h.run(unknown, {});
  assert.deepEqual(
    failed.outcome,
    Outcome.permFail("Dynamic kind-plural lookup failed for 'Widget'. Set plural explicitly in apiConfig.", "ResourceFunction:ns:rf:spec.apiConfig.plural"),
  );
  h.cluster.failNext("discover", { reason: "Unavailable", message: "timeout" });
  const timedOut = await h.run(unknown, {});
  assert.equal(timedOut.outcome.kind === "Retry" && timedOut.outcome.delay, 30);
  assert.match(timedOut.outcome.kind === "Retry" ? (timedOut.outcome.message ?? "") : "", /plural lookup for Widget timed out/);
});

test("RF-41 the function's own apiConfig wins: an explicit plural skips discovery", async () => {
  const h = harness();
  await h.run(rf(configMapSpec(RESOURCE)), inputs);
  assert.equal(h.cluster.calls.counts().discover, 0);
});

test("RF-27 / RF-45 the identity record accompanies outcomes from identity on, not precondition/locals ones", async () => {
  const h = harness();
  const fn = rf(
    configMapSpec(
      RESOURCE +
        "preconditions: [{assert: =inputs.color != 'none', skip: {message: no color}}]\npostconditions: [{assert: =resource.data.color != 'red', retry: {message: still red, delay: 3}}]",
    ),
  );
  const skipped = await h.run(fn, { name: "cm", color: "none" });
  assert.equal(skipped.outcome.kind, "Skip");
  assert.equal(skipped.resource, undefined);
  const created = await h.run(fn, inputs);
  const record = { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", name: "cm", namespace: "ns", readonly: false, resourceFunction: "rf" };
  assert.deepEqual(created.resource, record);
  const post = await h.run(fn, inputs);
  assert.equal(post.outcome.kind, "Retry");
  assert.deepEqual(post.resource, record); // recommendation: reported with postcondition outcomes too
});

test("RF-2 postconditions see inputs, locals and the live resource", async () => {
  const h = harness();
  const fn = rf(
    configMapSpec(
      RESOURCE +
        "locals: {want: blue}\npostconditions: [{assert: =resource.data.color == locals.want, depSkip: {message: =resource.data.color + ' not ' + inputs.name}}]",
    ),
  );
  await h.run(fn, inputs);
  assert.deepEqual((await h.run(fn, inputs)).outcome.kind, "DepSkip");
  const out = await h.run(fn, inputs);
  assert.equal(out.outcome.kind === "DepSkip" && out.outcome.message, "red not cm");
});

test("RF-3 locals are evaluated before any API call; an error is a PermFail in spec.locals", async () => {
  const h = harness();
  const result = await h.run(rf(configMapSpec(RESOURCE + "locals: {bad: =1/0}")), inputs);
  assert.equal(result.outcome.kind, "PermFail");
  assert.match(result.outcome.kind === "PermFail" ? (result.outcome.message ?? "") : "", /spec\.locals/);
  assert.equal(h.cluster.calls.total(), 0);
});

test("RF-9 / BODY-5 return is a plain map body over the live resource; absent return is Ok(null)", async () => {
  const h = harness();
  const fn = rf(configMapSpec("resource: {data: {a: b}}"));
  await h.run(fn, inputs);
  assert.deepEqual((await h.run(fn, inputs)).outcome, Outcome.ok(null));
});

test("RF-8 spec.delete is accepted and ignored", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "delete: {abandon: {}}"));
  assert.deepEqual((await h.run(fn, inputs)).outcome, retry(30, "Creating ConfigMap:ns:cm."));
});

test("OUT-7 a crash below the run boundary becomes 'Unknown failure evaluating' instead of a rejection", async () => {
  const h = harness();
  const throwing: ClusterApi = { ...h.cluster, get: () => Promise.reject(new Error("bug")) };
  const result = await h.run(rf(configMapSpec(RESOURCE)), inputs, { cluster: throwing });
  assert.deepEqual(result.outcome, Outcome.permFail("Unknown failure evaluating `ResourceFunction:ns:rf`.", "ResourceFunction:ns:rf"));
});

test("FTF-1 under the test mock (name-blind read, shallow patch) a renamed target is patched, not created", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE));
  await h.run(fn, inputs, { owner: null });
  const slot = h.live();
  const mock: ClusterApi = {
    ...h.cluster,
    get: async () => ({ ok: true, value: structuredClone(slot!) }),
    mergePatch: async (_ref, patch) => ({ ok: true, value: patch as ValueMap }),
  };
  const result = await h.run(fn, { name: "other", color: "red" }, { cluster: mock, owner: null });
  assert.match(result.outcome.kind === "Retry" ? (result.outcome.message ?? "") : "", /^Patching `ConfigMap:ns:other` due to 'metadata' -> 'name'/);
});

test("RF-44 delays: not-found waits 30, template/load retries 30, missing overlay ValueFunction 60", async () => {
  const h = harness();
  const readonly = rf(configMapSpec(RESOURCE, "  readonly: true"));
  assert.equal(((await h.run(readonly, inputs)).outcome as { delay: number }).delay, 30);
  const template = rf(configMapSpec("resourceTemplateRef: {name: nope}"));
  assert.equal(((await h.run(template, inputs)).outcome as { delay: number }).delay, 30);
  const overlay = rf(configMapSpec(RESOURCE + "overlays: [{overlayRef: {kind: ValueFunction, name: nope}}]"));
  assert.equal(((await h.run(overlay, inputs)).outcome as { delay: number }).delay, 60);
});
