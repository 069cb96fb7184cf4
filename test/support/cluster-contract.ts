/**
 * The ClusterApi contract every adapter must meet, run against each back-end
 * (in-memory, client-node over the embedded API server, and optionally a real
 * cluster) like kysely's per-dialect suites. Objects get unique names so the
 * suite can run repeatedly against a long-lived cluster.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, WatchableClusterApi, WatchEvent } from "../../src/cluster/cluster-api.ts";
import { isMap, type Value } from "../../src/value/value.ts";

export interface ContractTarget {
  readonly cluster: WatchableClusterApi;
  /** Releases the back-end (closes servers); called once after the suite. */
  close(): Promise<void>;
}

export const CONTRACT_GROUP = "contract.koreo.dev";
const NAMESPACE = "koreo-contract";
const WIDGET = { apiVersion: `${CONTRACT_GROUP}/v1`, kind: "Widget" } as const;
const GADGET = { apiVersion: `${CONTRACT_GROUP}/v1`, kind: "Gadget" } as const;

let sequence = 0;
function uniqueName(prefix: string): string {
  sequence++;
  return `${prefix}-${sequence}-${Math.random().toString(36).slice(2, 7)}`;
}

function crd(plural: string, kind: string, withStatus: boolean): KubeObject {
  const version: KubeObject = {
    name: "v1",
    served: true,
    storage: true,
    schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
  };
  if (withStatus) version.subresources = { status: {} };
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${CONTRACT_GROUP}` },
    spec: { group: CONTRACT_GROUP, scope: "Namespaced", names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` }, versions: [version] },
  };
}

function configMap(name: string, data: Record<string, string>, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: NAMESPACE, labels }, data };
}

function widget(name: string, spec: KubeObject): KubeObject {
  return { ...WIDGET, metadata: { name, namespace: NAMESPACE }, spec };
}

function at(value: Value | undefined, ...path: string[]): Value | undefined {
  return path.reduce<Value | undefined>((v, key) => (isMap(v) ? v[key] : undefined), value);
}

function must<T>(result: { ok: true; value: T } | { ok: false; error: { reason: string; message: string } }): T {
  if (!result.ok) assert.fail(`expected ok, got ${result.error.reason}: ${result.error.message}`);
  return result.value;
}

/** Waits until discovery serves a freshly created CRD kind (a real cluster establishes it asynchronously). */
async function awaitKind(cluster: WatchableClusterApi, apiVersion: string, kind: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await cluster.discover(apiVersion, kind)).ok && (await cluster.list(apiVersion, kind, { namespace: NAMESPACE })).ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${kind}.${apiVersion} never became available`);
}

async function ensure(cluster: WatchableClusterApi, object: KubeObject): Promise<void> {
  const result = await cluster.create(object);
  if (!result.ok && result.error.reason !== "Conflict") assert.fail(`setup: ${result.error.message}`);
}

/** Collects watch events and lets a test wait for the n-th. */
function eventCollector() {
  const events: WatchEvent[] = [];
  let waiting: { count: number; resolve: () => void } | undefined;
  return {
    events,
    onEvent(event: WatchEvent) {
      events.push(event);
      if (waiting && events.length >= waiting.count) waiting.resolve();
    },
    until(count: number): Promise<WatchEvent[]> {
      if (events.length >= count) return Promise.resolve(events);
      return new Promise((resolve) => (waiting = { count, resolve: () => resolve(events) }));
    },
  };
}

export function runClusterContract(name: string, makeCluster: () => Promise<ContractTarget>): void {
  describe(`ClusterApi contract: ${name}`, { timeout: 60_000 }, () => {
    let target: ContractTarget;
    let cluster: WatchableClusterApi;

    before(async () => {
      target = await makeCluster();
      cluster = target.cluster;
      await ensure(cluster, { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
      await ensure(cluster, crd("widgets", "Widget", true));
      await ensure(cluster, crd("gadgets", "Gadget", false));
      await awaitKind(cluster, WIDGET.apiVersion, WIDGET.kind);
      await awaitKind(cluster, GADGET.apiVersion, GADGET.kind);
    });

    after(async () => target?.close());

    it("creates and reads back an object with server metadata (RF-20, RF-21)", async () => {
      const name = uniqueName("cm");
      const created = must(await cluster.create(configMap(name, { a: "1" })));
      assert.equal(typeof at(created, "metadata", "uid"), "string");
      assert.equal(typeof at(created, "metadata", "resourceVersion"), "string");
      assert.equal(typeof at(created, "metadata", "creationTimestamp"), "string");
      const read = must(await cluster.get({ apiVersion: "v1", kind: "ConfigMap", name, namespace: NAMESPACE }));
      assert.deepEqual(read.data, { a: "1" });
      assert.equal(at(read, "metadata", "uid"), at(created, "metadata", "uid"));
    });

    it("get of a missing object is NotFound (RF-20 'absent')", async () => {
      const result = await cluster.get({ apiVersion: "v1", kind: "ConfigMap", name: uniqueName("missing"), namespace: NAMESPACE });
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.reason, "NotFound");
    });

    it("create of an existing object is Conflict (AlreadyExists, RF-21)", async () => {
      const name = uniqueName("cm");
      must(await cluster.create(configMap(name, {})));
      const again = await cluster.create(configMap(name, {}));
      assert.equal(!again.ok && again.error.reason, "Conflict");
      assert.equal(!again.ok && again.error.status, 409);
    });

    it("lists by namespace and label selector", async () => {
      const app = uniqueName("app");
      const a = uniqueName("cm");
      const b = uniqueName("cm");
      must(await cluster.create(configMap(a, {}, { app, tier: "web" })));
      must(await cluster.create(configMap(b, {}, { app, tier: "db" })));
      must(await cluster.create(configMap(uniqueName("cm"), {}, { app: "other" })));
      const listed = must(await cluster.list("v1", "ConfigMap", { namespace: NAMESPACE, labelSelector: `app=${app}` }));
      assert.deepEqual(listed.items.map((o) => at(o, "metadata", "name")).sort(), [a, b].sort());
      assert.equal(typeof listed.resourceVersion, "string");
      const web = must(await cluster.list("v1", "ConfigMap", { namespace: NAMESPACE, labelSelector: `app=${app},tier!=db` }));
      assert.deepEqual(
        web.items.map((o) => at(o, "metadata", "name")),
        [a],
      );
      // One selector grammar (value/selectors.ts) for the API server and the in-memory adapter.
      const set = must(await cluster.list("v1", "ConfigMap", { namespace: NAMESPACE, labelSelector: `app=${app},tier in(db)` }));
      assert.deepEqual(
        set.items.map((o) => at(o, "metadata", "name")),
        [b],
      );
      const byName = must(await cluster.list("v1", "ConfigMap", { namespace: NAMESPACE, labelSelector: `app=${app}`, fieldSelector: `metadata.name==${a}` }));
      assert.deepEqual(
        byName.items.map((o) => at(o, "metadata", "name")),
        [a],
      );
      const badField = await cluster.list("v1", "ConfigMap", { namespace: NAMESPACE, fieldSelector: "spec.x=1" });
      assert.equal(!badField.ok && badField.error.status, 400);
    });

    it("merge patch merges maps, deletes on null and replaces lists (RF-23, ST-1)", async () => {
      const name = uniqueName("w");
      must(await cluster.create(widget(name, { keep: "k", nested: { a: "1", b: "2" }, list: ["x", "y"], drop: "d" })));
      const ref = { ...WIDGET, name, namespace: NAMESPACE };
      const patched = must(await cluster.mergePatch(ref, { spec: { nested: { b: null, c: "3" }, list: ["z"], drop: null } }));
      assert.deepEqual(patched.spec, { keep: "k", nested: { a: "1", c: "3" }, list: ["z"] });
      assert.deepEqual(must(await cluster.get(ref)).spec, patched.spec);
    });

    it("merge patch with a stale resourceVersion is Conflict", async () => {
      const name = uniqueName("w");
      const created = must(await cluster.create(widget(name, { v: "1" })));
      const ref = { ...WIDGET, name, namespace: NAMESPACE };
      must(await cluster.mergePatch(ref, { spec: { v: "2" } }));
      const stale = await cluster.mergePatch(ref, { metadata: { resourceVersion: at(created, "metadata", "resourceVersion") ?? null }, spec: { v: "3" } });
      assert.equal(!stale.ok && stale.error.reason, "Conflict");
      assert.equal(at(must(await cluster.get(ref)), "spec", "v"), "2");
    });

    it("merge patch of a missing object is NotFound (RF-28)", async () => {
      const result = await cluster.mergePatch({ ...WIDGET, name: uniqueName("missing"), namespace: NAMESPACE }, { spec: {} });
      assert.equal(!result.ok && result.error.reason, "NotFound");
    });

    it("bumps generation on spec changes only", async () => {
      const name = uniqueName("w");
      const created = must(await cluster.create(widget(name, { v: "1" })));
      const ref = { ...WIDGET, name, namespace: NAMESPACE };
      assert.equal(at(created, "metadata", "generation"), 1n);
      const labelled = must(await cluster.mergePatch(ref, { metadata: { labels: { x: "y" } } }));
      assert.equal(at(labelled, "metadata", "generation"), 1n);
      const changed = must(await cluster.mergePatch(ref, { spec: { v: "2" } }));
      assert.equal(at(changed, "metadata", "generation"), 2n);
    });

    it("server-side apply creates when absent and merges when present", async () => {
      const name = uniqueName("cm");
      const first = must(await cluster.apply(configMap(name, { a: "1" }), { fieldManager: "koreo", force: true }));
      assert.deepEqual(first.data, { a: "1" });
      const second = must(await cluster.apply(configMap(name, { a: "2" }), { fieldManager: "koreo", force: true }));
      assert.deepEqual(second.data, { a: "2" });
      assert.equal(at(second, "metadata", "uid"), at(first, "metadata", "uid"));
    });

    it("deletes; a second delete is NotFound (RF-28)", async () => {
      const name = uniqueName("cm");
      must(await cluster.create(configMap(name, {})));
      const ref = { apiVersion: "v1", kind: "ConfigMap", name, namespace: NAMESPACE };
      must(await cluster.delete(ref));
      const read = await cluster.get(ref);
      assert.equal(!read.ok && read.error.reason, "NotFound");
      const again = await cluster.delete(ref);
      assert.equal(!again.ok && again.error.reason, "NotFound");
    });

    it("discovers built-in kinds (RF-40, CTL-6)", async () => {
      assert.deepEqual(must(await cluster.discover("v1", "ConfigMap")), { plural: "configmaps", namespaced: true, hasStatus: false });
      assert.deepEqual(must(await cluster.discover("v1", "Namespace")), { plural: "namespaces", namespaced: false, hasStatus: true });
      assert.deepEqual(must(await cluster.discover("apps/v1", "Deployment")), { plural: "deployments", namespaced: true, hasStatus: true });
    });

    it("discovers CRD kinds, with and without a status subresource (RF-40, ST-1)", async () => {
      assert.deepEqual(must(await cluster.discover(WIDGET.apiVersion, WIDGET.kind)), { plural: "widgets", namespaced: true, hasStatus: true });
      assert.deepEqual(must(await cluster.discover(GADGET.apiVersion, GADGET.kind)), { plural: "gadgets", namespaced: true, hasStatus: false });
    });

    it("an unknown kind is NotFound", async () => {
      const discovered = await cluster.discover(`${CONTRACT_GROUP}/v1`, "Nonexistent");
      assert.equal(!discovered.ok && discovered.error.reason, "NotFound");
      const read = await cluster.get({ apiVersion: `${CONTRACT_GROUP}/v1`, kind: "Nonexistent", name: "x", namespace: NAMESPACE });
      assert.equal(!read.ok && read.error.reason, "NotFound");
    });

    it("status goes through the /status subresource when the kind has one (ST-1)", async () => {
      const name = uniqueName("w");
      must(await cluster.create(widget(name, { v: "1" })));
      const ref = { ...WIDGET, name, namespace: NAMESPACE };
      const mainEndpoint = must(await cluster.mergePatch(ref, { status: { state: "ignored" }, metadata: { annotations: { a: "b" } } }));
      assert.equal(mainEndpoint.status, undefined, "status on the main endpoint is dropped");
      assert.equal(at(mainEndpoint, "metadata", "annotations", "a"), "b");
      const viaStatus = must(await cluster.mergePatch(ref, { status: { state: "ready" } }, { subresource: "status" }));
      assert.deepEqual(viaStatus.status, { state: "ready" });
      assert.equal(at(viaStatus, "metadata", "generation"), 1n);
    });

    it("status is an ordinary field when the kind has no status subresource (ST-1)", async () => {
      const name = uniqueName("g");
      must(await cluster.create({ ...GADGET, metadata: { name, namespace: NAMESPACE }, spec: {} }));
      const patched = must(await cluster.mergePatch({ ...GADGET, name, namespace: NAMESPACE }, { status: { state: "ready" } }));
      assert.deepEqual(patched.status, { state: "ready" });
    });

    it("dryRun writes are answered but not persisted", async () => {
      const name = uniqueName("cm");
      const ref = { apiVersion: "v1", kind: "ConfigMap", name, namespace: NAMESPACE };
      const dry = must(await cluster.create(configMap(name, { a: "1" }), { dryRun: true }));
      assert.deepEqual(dry.data, { a: "1" });
      assert.equal(!(await cluster.get(ref)).ok, true);
      must(await cluster.create(configMap(name, { a: "1" })));
      const patched = must(await cluster.mergePatch(ref, { data: { a: "2" } }, { dryRun: true }));
      assert.deepEqual(patched.data, { a: "2" });
      assert.deepEqual(must(await cluster.get(ref)).data, { a: "1" });
    });

    it("keeps ints and doubles apart as far as JSON allows (ints come back as bigint)", async () => {
      const name = uniqueName("w");
      const created = must(await cluster.create(widget(name, { count: 3n, ratio: 1.5, whole: 2.0, negative: -7n })));
      assert.deepEqual(created.spec, { count: 3n, ratio: 1.5, whole: 2n, negative: -7n });
      assert.deepEqual(must(await cluster.get({ ...WIDGET, name, namespace: NAMESPACE })).spec, created.spec);
    });

    it("watches from a resourceVersion: later changes arrive in order", async () => {
      const name = uniqueName("w");
      const created = must(await cluster.create(widget(name, { v: "1" })));
      const ref = { ...WIDGET, name, namespace: NAMESPACE };
      const collector = eventCollector();
      const from = String(at(created, "metadata", "resourceVersion"));
      const handle = must(await cluster.watch(WIDGET.apiVersion, WIDGET.kind, { namespace: NAMESPACE, resourceVersion: from }, collector.onEvent));
      must(await cluster.mergePatch(ref, { spec: { v: "2" } }));
      must(await cluster.delete(ref));
      const events = await collector.until(2);
      handle.stop();
      const mine = events.filter((e) => at(e.object, "metadata", "name") === name);
      assert.deepEqual(
        mine.map((e) => e.type),
        ["MODIFIED", "DELETED"],
      );
      assert.equal(at(mine[0]?.object, "spec", "v"), "2");
      assert.deepEqual(await handle.done, { ok: true, value: undefined });
    });

    it("a watch without resourceVersion starts with the existing objects as ADDED", async () => {
      const name = uniqueName("g");
      must(await cluster.create({ ...GADGET, metadata: { name, namespace: NAMESPACE }, spec: {} }));
      const collector = eventCollector();
      const handle = must(
        await cluster.watch(GADGET.apiVersion, GADGET.kind, { namespace: NAMESPACE }, (e) => {
          if (at(e.object, "metadata", "name") === name) collector.onEvent(e);
        }),
      );
      const [event] = await collector.until(1);
      handle.stop();
      assert.equal(event?.type, "ADDED");
    });
  });
}
