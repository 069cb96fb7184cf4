/** The pure parts behind the cluster commands, on inputs the end-to-end tests cannot easily produce. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyApply, predictApply } from "../../src/operations/apply-plan.ts";
import type { ClusterDiscovery } from "../../src/cluster/cluster-api.ts";
import { readApiGroups, readKindCatalog } from "../../src/cluster/adapters/client-node-discovery.ts";
import { groupVersionPath } from "../../src/cluster/adapters/client-node-paths.ts";
import { withCallCounting } from "../../src/cluster/adapters/counting.ts";
import { withDryRun } from "../../src/cluster/adapters/dry-run.ts";
import { createInMemoryCluster } from "../../src/cluster/adapters/in-memory.ts";
import { resolveKind } from "../../src/operations/kind-resolution.ts";
import { parseManagedResources } from "../../src/operations/managed-resources.ts";
import type { Value } from "../../src/value/value.ts";

test("CLI-10 --dry-run=client: a live object holding every applied field is unchanged; a differing or extra field is configured", () => {
  const live = { apiVersion: "v1", kind: "X", metadata: { name: "a", resourceVersion: "7", labels: { a: "1", b: "2" } }, spec: { list: [1n, 2n], n: 1n } };
  assert.equal(predictApply({ apiVersion: "v1", kind: "X", metadata: { name: "a", labels: { a: "1" } }, spec: { n: 1n } }, live), "unchanged");
  assert.equal(predictApply({ apiVersion: "v1", kind: "X", metadata: { name: "a" }, spec: { list: [1n] } }, live), "configured");
  assert.equal(predictApply({ apiVersion: "v1", kind: "X", metadata: { name: "a" }, spec: { other: true } }, live), "configured");
  assert.equal(predictApply({ apiVersion: "v1", kind: "X", metadata: { name: "a" } }, undefined), "created");
});

test("CLI-10 a server dry run is judged by content (no resourceVersion is allocated), a real apply by resourceVersion", () => {
  const before = { metadata: { name: "a", resourceVersion: "1", managedFields: [] }, spec: { n: 1n } };
  assert.equal(classifyApply(before, { metadata: { name: "a", resourceVersion: "1", managedFields: [{}] }, spec: { n: 1n } }, true), "unchanged");
  assert.equal(classifyApply(before, { metadata: { name: "a", resourceVersion: "1" }, spec: { n: 2n } }, true), "configured");
  assert.equal(classifyApply(before, { metadata: { name: "a", resourceVersion: "2" }, spec: { n: 1n } }, false), "configured");
  assert.equal(classifyApply(undefined, before, false), "created");
});

test("CLI-14 / ST-11 the annotation: {} means the Workflow did not run; a flat label map (reference shape) is read too; junk is an entry, not a throw", () => {
  const empty = parseManagedResources("{}");
  assert.ok(empty.ok);
  assert.deepEqual(empty.tree, { steps: [] });
  const flat = parseManagedResources('{"a":{"apiVersion":"v1","kind":"ConfigMap","name":"x"},"b":42}');
  assert.ok(flat.ok);
  assert.deepEqual(
    flat.tree?.steps.map((s) => s.entry.type),
    ["resource", "invalid"],
  );
  const broken = parseManagedResources("{not json");
  assert.equal(broken.ok, false);
});

/** Discovery documents by path, read as the client-node adapter reads them. */
function discovery(documents: Record<string, Value>): ClusterDiscovery {
  const get = (path: string) =>
    path in documents ? { ok: true as const, value: documents[path] ?? null } : { ok: false as const, error: { reason: "NotFound" as const, message: "404" } };
  return {
    apiGroups: async () => {
      const got = get("/apis");
      return got.ok ? { ok: true, value: readApiGroups(got.value) } : got;
    },
    discoverKinds: async (apiVersion) => {
      const got = get(groupVersionPath(apiVersion));
      return got.ok ? { ok: true, value: readKindCatalog(got.value) } : got;
    },
  };
}

const resources = (...list: [string, string][]) => ({
  resources: list.map(([name, kind]) => ({ name, kind, namespaced: true, singularName: kind.toLowerCase() })),
});

test("CLI-13 / CLI-14 KIND resolution: the core group wins like kubectl; two other groups serving the kind is ambiguous", async () => {
  const api = discovery({
    "/apis": {
      groups: [
        { name: "a.example", versions: [{ version: "v1" }], preferredVersion: { version: "v1" } },
        { name: "b.example", versions: [{ version: "v2" }] },
      ],
    },
    "/api/v1": resources(["events", "Event"]),
    "/apis/a.example/v1": resources(["events", "Event"], ["widgets", "Widget"]),
    "/apis/b.example/v2": resources(["widgets", "Widget"]),
  });
  const event = await resolveKind("events", api);
  assert.ok(event.ok && event.value.apiVersion === "v1");
  const ambiguous = await resolveKind("widget", api);
  assert.ok(!ambiguous.ok && /ambiguous: Widget\.a\.example, Widget\.b\.example/.test(ambiguous.error.message));
  const qualified = await resolveKind("widget.b.example", api);
  assert.ok(qualified.ok && qualified.value.apiVersion === "b.example/v2" && qualified.value.plural === "widgets");
});

test("CLI-13 KIND resolution through the in-memory adapter's discovery, also through the dry-run and counting wrappers", async () => {
  const cluster = createInMemoryCluster({ kinds: [{ apiVersion: "acme.example/v1", kind: "WebApp", plural: "webapps", namespaced: true, hasStatus: true }] });
  const configMaps = await resolveKind("configmaps", cluster);
  assert.ok(configMaps.ok && configMaps.value.apiVersion === "v1" && configMaps.value.kind === "ConfigMap");
  const counted = withCallCounting(withDryRun(cluster));
  assert.ok(counted.apiGroups !== undefined && counted.discoverKinds !== undefined);
  const webApp = await resolveKind("webapp.acme.example", { apiGroups: counted.apiGroups, discoverKinds: counted.discoverKinds });
  assert.ok(webApp.ok && webApp.value.apiVersion === "acme.example/v1" && webApp.value.plural === "webapps");
  assert.equal(counted.calls.counts().discover, 2);
  const missing = await resolveKind("gadgets", cluster);
  assert.ok(!missing.ok && /doesn't have a resource type "gadgets"/.test(missing.error.message));
});
