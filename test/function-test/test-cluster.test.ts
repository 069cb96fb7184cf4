import { test } from "node:test";
import assert from "node:assert/strict";
import { createTestCluster } from "../../src/function-test/test-cluster.ts";

const ref = { apiVersion: "v1", kind: "ConfigMap", name: "anything", namespace: "elsewhere" };

test("FTF-1 / FT-14 any read returns the single slot, whatever name or namespace is asked for", async () => {
  const cluster = createTestCluster({ kind: "ConfigMap", metadata: { name: "cm" } });
  const got = await cluster.get(ref);
  assert.ok(got.ok);
  assert.deepEqual(got.value, { kind: "ConfigMap", metadata: { name: "cm" } });
});

test("FTF-1 / FT-14 an empty slot reads as not found", async () => {
  const got = await createTestCluster({}).get(ref);
  assert.ok(!got.ok);
  assert.equal(got.error.reason, "NotFound");
});

test("FTF-1 / FT-14 create stores exactly the body sent and records a write", async () => {
  const cluster = createTestCluster({});
  await cluster.create({ kind: "ConfigMap", data: { a: "1" } });
  assert.deepEqual(cluster.current(), { kind: "ConfigMap", data: { a: "1" } });
  assert.equal(cluster.wrote(), true);
  assert.equal(cluster.deleted(), false);
});

test("FTF-1 / FT-14 patch replaces top-level keys wholesale and keeps untouched ones (status)", async () => {
  const cluster = createTestCluster({ spec: { a: 1n, createOnly: true }, status: { ready: true } });
  await cluster.mergePatch(ref, { spec: { a: 2n } });
  assert.deepEqual(cluster.current(), { spec: { a: 2n }, status: { ready: true } });
});

test("FTF-1 / FT-14 delete empties the slot and records the delete", async () => {
  const cluster = createTestCluster({ kind: "ConfigMap" });
  await cluster.delete(ref);
  assert.deepEqual(cluster.current(), {});
  assert.equal(cluster.deleted(), true);
  assert.equal((await cluster.get(ref)).ok, false);
});

test("FT-14 plural discovery answers the lower-cased kind", async () => {
  const found = await createTestCluster({}).discover("apps.acme.example/v1", "WebApp");
  assert.ok(found.ok);
  assert.equal(found.value.plural, "webapp");
});
