import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, WatchEvent } from "../../src/cluster/cluster-api.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import { isMap, type Value } from "../../src/value/value.ts";
import { createInMemoryCluster } from "../../src/cluster/adapters/in-memory.ts";
import { runClusterContract } from "../support/cluster-contract.ts";

runClusterContract("in-memory", async () => ({ cluster: createInMemoryCluster(), close: async () => {} }));

function at(value: Value | undefined, ...path: string[]): Value | undefined {
  return path.reduce<Value | undefined>((v, key) => (isMap(v) ? v[key] : undefined), value);
}

function cm(name: string, metadata: KubeObject = {}): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns", ...metadata }, data: { k: "v" } };
}

const cmRef = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", name, namespace: "ns" });

describe("in-memory cluster specifics", () => {
  it("returns deep copies: callers cannot mutate the store", async () => {
    const cluster = createInMemoryCluster();
    const created = await cluster.create(cm("a"));
    assert.ok(created.ok);
    (created.value.data as Record<string, Value>).k = "changed";
    const read = await cluster.get(cmRef("a"));
    assert.ok(read.ok);
    assert.equal(at(read.value, "data", "k"), "v");
  });

  it("stamps creationTimestamp from the clock", async () => {
    const cluster = createInMemoryCluster({ clock: fixedClock(Date.UTC(2024, 0, 2, 3, 4, 5)) });
    const created = await cluster.create(cm("a"));
    assert.equal(created.ok && at(created.value, "metadata", "creationTimestamp"), "2024-01-02T03:04:05Z");
  });

  it("deleting an owner garbage-collects what it owns (trigger deletion)", async () => {
    const cluster = createInMemoryCluster();
    const owner = await cluster.create(cm("owner"));
    assert.ok(owner.ok);
    const ownerRef = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: at(owner.value, "metadata", "uid") ?? null };
    await cluster.create(cm("child", { ownerReferences: [ownerRef] }));
    const child = await cluster.get(cmRef("child"));
    assert.ok(child.ok);
    await cluster.create(cm("grandchild", { ownerReferences: [{ ...ownerRef, name: "child", uid: at(child.value, "metadata", "uid") ?? null }] }));
    await cluster.create(cm("bystander"));
    assert.ok((await cluster.delete(cmRef("owner"))).ok);
    assert.deepEqual(
      cluster.all().map((o) => at(o, "metadata", "name")),
      ["bystander"],
    );
  });

  it("Orphan propagation keeps dependents and drops the owner reference", async () => {
    const cluster = createInMemoryCluster();
    const owner = await cluster.create(cm("owner"));
    assert.ok(owner.ok);
    await cluster.create(
      cm("child", { ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: at(owner.value, "metadata", "uid") ?? null }] }),
    );
    await cluster.delete(cmRef("owner"), { propagationPolicy: "Orphan" });
    const child = await cluster.get(cmRef("child"));
    assert.ok(child.ok);
    assert.deepEqual(at(child.value, "metadata", "ownerReferences"), []);
  });

  it("finalizers hold deletion: deletionTimestamp is set, removal of the last finalizer deletes", async () => {
    const cluster = createInMemoryCluster();
    await cluster.create(cm("f", { finalizers: ["koreo.dev/cleanup"] }));
    assert.ok((await cluster.delete(cmRef("f"))).ok);
    const held = await cluster.get(cmRef("f"));
    assert.ok(held.ok);
    assert.equal(typeof at(held.value, "metadata", "deletionTimestamp"), "string");
    const released = await cluster.mergePatch(cmRef("f"), { metadata: { finalizers: null } });
    assert.ok(released.ok);
    assert.equal(!(await cluster.get(cmRef("f"))).ok, true);
  });

  it("a no-op patch does not bump resourceVersion", async () => {
    const cluster = createInMemoryCluster();
    const created = await cluster.create(cm("a"));
    const patched = await cluster.mergePatch(cmRef("a"), { data: { k: "v" } });
    assert.ok(created.ok && patched.ok);
    assert.equal(at(patched.value, "metadata", "resourceVersion"), at(created.value, "metadata", "resourceVersion"));
  });

  it("creating a CRD registers its kind; deleting it stops serving the kind (RF-40)", async () => {
    const cluster = createInMemoryCluster();
    const crd: KubeObject = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "things.x.io" },
      spec: { group: "x.io", scope: "Cluster", names: { plural: "things", kind: "Thing" }, versions: [{ name: "v1", served: true }] },
    };
    assert.equal((await cluster.discover("x.io/v1", "Thing")).ok, false);
    await cluster.create(crd);
    assert.deepEqual(await cluster.discover("x.io/v1", "Thing"), { ok: true, value: { plural: "things", namespaced: false, hasStatus: false } });
    await cluster.create({ apiVersion: "x.io/v1", kind: "Thing", metadata: { name: "t", namespace: "ignored" } });
    const thing = await cluster.get({ apiVersion: "x.io/v1", kind: "Thing", name: "t" });
    assert.equal(thing.ok && at(thing.value, "metadata", "namespace"), undefined);
    await cluster.delete({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "things.x.io" });
    const gone = await cluster.discover("x.io/v1", "Thing");
    assert.match(!gone.ok ? gone.error.message : "", /no kind "Thing" is registered for version "x.io\/v1"/);
  });

  it("counts calls per verb and resets (benches: API calls per no-op reconcile)", async () => {
    const cluster = createInMemoryCluster();
    await cluster.get(cmRef("a"));
    await cluster.create(cm("a"));
    await cluster.mergePatch(cmRef("a"), { data: { k: "w" } });
    assert.equal(cluster.calls.counts().get, 1);
    assert.equal(cluster.calls.total(), 3);
    assert.equal(cluster.calls.writes(), 2);
    cluster.calls.reset();
    assert.equal(cluster.calls.total(), 0);
  });

  it("failNext injects one error for one call (RF-20, RF-28 tests)", async () => {
    const cluster = createInMemoryCluster();
    cluster.seed([cm("a")]);
    cluster.failNext("get", { reason: "Unavailable", status: 503, message: "etcd down" });
    const failed = await cluster.get(cmRef("a"));
    assert.deepEqual(failed, { ok: false, error: { reason: "Unavailable", status: 503, message: "etcd down" } });
    assert.equal((await cluster.get(cmRef("a"))).ok, true);
  });

  it("seed keeps status and given uid", async () => {
    const cluster = createInMemoryCluster();
    cluster.seed([{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "ns", uid: "u-1" }, status: { replicas: 2 } }]);
    const read = await cluster.get({ apiVersion: "apps/v1", kind: "Deployment", name: "d", namespace: "ns" });
    assert.ok(read.ok);
    assert.equal(at(read.value, "metadata", "uid"), "u-1");
    assert.deepEqual(read.value.status, { replicas: 2n });
  });

  it("a watch from a compacted resourceVersion is Gone", async () => {
    const cluster = createInMemoryCluster({ historySize: 2 });
    for (const name of ["a", "b", "c", "d"]) await cluster.create(cm(name));
    const result = await cluster.watch("v1", "ConfigMap", { resourceVersion: "1" }, () => {});
    assert.equal(!result.ok && result.error.reason, "Gone");
  });

  it("closeWatches ends open streams with the given error", async () => {
    const cluster = createInMemoryCluster();
    const events: WatchEvent[] = [];
    const handle = await cluster.watch("v1", "ConfigMap", {}, (e) => events.push(e));
    assert.ok(handle.ok);
    cluster.closeWatches({ reason: "Gone", message: "expired" });
    assert.deepEqual(await handle.value.done, { ok: false, error: { reason: "Gone", message: "expired" } });
    await cluster.create(cm("after"));
    await Promise.resolve();
    assert.equal(events.length, 0);
  });
});
