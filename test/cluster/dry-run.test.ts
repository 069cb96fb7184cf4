import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { withDryRun } from "../../src/cluster/adapters/dry-run.ts";
import { createInMemoryCluster } from "../../src/cluster/adapters/in-memory.ts";
import { withCallCounting } from "../../src/cluster/adapters/counting.ts";
import { fixedClock } from "../../src/ports/clock.ts";

const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns" }, data: { k: "v", gone: "x" } };
const ref = { apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "ns" };

describe("withDryRun", () => {
  it("answers a create with generated metadata and records it without sending (koreo render)", async () => {
    const real = createInMemoryCluster();
    const dry = withDryRun(real, { clock: fixedClock(Date.UTC(2026, 0, 1)) });
    const created = await dry.create(cm);
    assert.ok(created.ok);
    assert.equal(typeof (created.value.metadata as { uid?: unknown }).uid, "string");
    assert.equal((created.value.metadata as { creationTimestamp?: unknown }).creationTimestamp, "2026-01-01T00:00:00Z");
    assert.equal(real.all().length, 0);
    assert.deepEqual(dry.writes(), [{ verb: "create", ref: { apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "ns" }, body: cm }]);
  });

  it("answers a merge patch with the merge computed from a fresh read (RF-23)", async () => {
    const real = createInMemoryCluster();
    real.seed([cm]);
    const dry = withDryRun(real);
    const patched = await dry.mergePatch(ref, { data: { k: "w", gone: null } }, { subresource: "status" });
    assert.ok(patched.ok);
    assert.deepEqual(patched.value.data, { k: "w" });
    const stored = await real.get(ref);
    assert.ok(stored.ok);
    assert.deepEqual(stored.value.data, { k: "v", gone: "x" });
    assert.deepEqual(dry.writes(), [{ verb: "mergePatch", ref, body: { data: { k: "w", gone: null } }, subresource: "status" }]);
  });

  it("a merge patch of a missing object is NotFound, as it would be for real (RF-28)", async () => {
    const patched = await withDryRun(createInMemoryCluster()).mergePatch(ref, { data: {} });
    assert.equal(!patched.ok && patched.error.reason, "NotFound");
  });

  it("apply creates when absent and merges when present; delete succeeds; nothing is sent", async () => {
    const inner = createInMemoryCluster();
    inner.seed([cm]);
    const real = withCallCounting(inner);
    const dry = withDryRun(real);
    const merged = await dry.apply({ ...cm, data: { k: "z" } }, { fieldManager: "koreo" });
    assert.deepEqual(merged.ok && merged.value.data, { k: "z", gone: "x" });
    const created = await dry.apply({ ...cm, metadata: { name: "new", namespace: "ns" } }, { fieldManager: "koreo" });
    assert.ok(created.ok);
    assert.equal((created.value.metadata as { generation?: unknown }).generation, 1n);
    assert.ok((await dry.delete(ref)).ok);
    assert.equal(real.calls.writes(), 0);
    assert.equal(inner.all().length, 1);
    assert.deepEqual(
      dry.writes().map((w) => w.verb),
      ["apply", "apply", "delete"],
    );
  });

  it("records copies: later mutation of the caller's objects does not change the record", async () => {
    const dry = withDryRun(createInMemoryCluster());
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b", namespace: "ns" }, data: { k: "v" } };
    await dry.create(body);
    body.data.k = "mutated";
    assert.deepEqual(dry.writes()[0]?.body, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b", namespace: "ns" }, data: { k: "v" } });
  });
});

describe("withCallCounting", () => {
  it("counts per verb over any adapter and keeps watch when the adapter has one", async () => {
    const counted = withCallCounting(createInMemoryCluster());
    await counted.get(ref);
    await counted.get(ref);
    await counted.discover("v1", "ConfigMap");
    const handle = await counted.watch("v1", "ConfigMap", {}, () => {});
    assert.ok(handle.ok);
    handle.value.stop();
    assert.deepEqual(counted.calls.counts(), { get: 2, list: 0, discover: 1, create: 0, mergePatch: 0, apply: 0, delete: 0, watch: 1 });
    assert.equal(counted.calls.total(), 4);
    counted.calls.reset();
    assert.equal(counted.calls.total(), 0);
  });
});
