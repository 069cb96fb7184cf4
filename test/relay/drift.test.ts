/**
 * The relay's drift watch: which kinds it watches (RF-1 apiConfig of ResourceFunctions that may
 * correct), how a managed object's event maps to a `drift` request for its owning trigger (RF-24
 * owner reference, RF-19 annotation), and, against the embedded API server over HTTP, that Koreo's
 * own writes enqueue nothing while another manager's edit and a deletion each enqueue one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { explicitKubeAccess } from "../../src/cluster/adapters/kube-access.ts";
import type { KubeObject, WatchEvent } from "../../src/cluster/cluster-api.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { createRecordingWorkQueue } from "../../src/queue/adapters/in-memory.ts";
import { driftOf } from "../../src/reconciler/drift.ts";
import { managedKindOf } from "../../src/relay/bindings.ts";
import { mapManagedEvent } from "../../src/relay/drift.ts";
import { startRelay } from "../../src/relay/relay.ts";
import { waitFor } from "../support/e2e.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const NS = "koreo-e2e";
const LAST_APPLIED = "koreo.dev/last-applied-configuration";

const rf = (apiConfig: Record<string, unknown>, update?: Record<string, unknown>): KubeObject =>
  ({
    apiVersion: "koreo.dev/v1beta1",
    kind: "ResourceFunction",
    metadata: { name: "f", namespace: NS },
    spec: { apiConfig, ...(update && { update }) },
  }) as KubeObject;

test("RF-1 / RF-7 / RF-11 / RF-12: managed kinds are those a ResourceFunction may correct", () => {
  assert.deepEqual(managedKindOf(rf({ apiVersion: "v1", kind: "ConfigMap", name: "=x" })), { apiVersion: "v1", kind: "ConfigMap" });
  assert.equal(managedKindOf(rf({ apiVersion: "v1", kind: "ConfigMap", readonly: true })), undefined);
  assert.equal(managedKindOf(rf({ apiVersion: "v1", kind: "ConfigMap", deleteIfExists: true })), undefined);
  assert.equal(managedKindOf(rf({ apiVersion: "v1", kind: "Namespace", namespaced: false })), undefined, "RF-24: no owner reference to trace");
  assert.equal(managedKindOf(rf({ apiVersion: "v1", kind: "ConfigMap" }, { never: {} })), undefined);
  assert.deepEqual(managedKindOf(rf({ apiVersion: "v1", kind: "ConfigMap" }, { recreate: { delay: 5 } })), { apiVersion: "v1", kind: "ConfigMap" });
  assert.equal(managedKindOf({ apiVersion: "koreo.dev/v1beta1", kind: "ResourceFunction", metadata: {} }), undefined);
});

const triggerKinds = new Set(["e2e.koreo.dev:Widget:v1"]);
const owner = { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "w", uid: "w-uid" };
const managed = (extra: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "w-cm", namespace: NS, uid: "cm-uid", resourceVersion: "7", annotations: { [LAST_APPLIED]: "{}" }, ownerReferences: [owner], ...extra },
  }) as KubeObject;
const drifted = () => [{ field: "data.value", path: ["data", "value"], manager: "kubectl-edit" }];
const clean = () => [];

test("SRV-2 drift: a drifted managed object re-enqueues its owning trigger, deduplicated by the object's uid and resourceVersion", () => {
  const event: WatchEvent = { type: "MODIFIED", object: managed() };
  assert.deepEqual(mapManagedEvent(event, triggerKinds, drifted), [{ trigger: { ...owner, namespace: NS }, reason: "drift", nonce: "cm-uid:7" }]);
  assert.deepEqual(mapManagedEvent(event, triggerKinds, clean), [], "matching what Koreo applied (Koreo's own write): nothing");
  assert.deepEqual(mapManagedEvent({ type: "DELETED", object: managed() }, triggerKinds, clean), [
    { trigger: { ...owner, namespace: NS }, reason: "drift", nonce: "cm-uid:deleted" },
  ]);
});

test("drift: objects Koreo never applied, or not owned by a bound trigger kind, are ignored", () => {
  const unannotated = managed({ annotations: {} });
  assert.deepEqual(mapManagedEvent({ type: "MODIFIED", object: unannotated }, triggerKinds, drifted), []);
  const foreign = managed({ ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "d", uid: "d" }] });
  assert.deepEqual(mapManagedEvent({ type: "MODIFIED", object: foreign }, triggerKinds, drifted), []);
  assert.deepEqual(mapManagedEvent({ type: "BOOKMARK", object: managed() }, triggerKinds, drifted), []);
});

test("SRV-1 drift over HTTP: the relay watches the managed kind; Koreo's own writes enqueue nothing, another manager's edit and a deletion do", async () => {
  const api = await startApiServer({ port: 0 });
  const cluster = createClientNodeCluster(explicitKubeAccess(api.url));
  const work = createRecordingWorkQueue();
  const backoff = { baseMs: 100, capMs: 500, jitterMs: 50, maxErrors: Number.POSITIVE_INFINITY, renewMs: 900_000 };
  const relay = startRelay({ cluster, work, logger: silentLogger, koreoNamespaces: [NS], templateNamespaces: [NS], resourceNamespaces: [NS], backoff });
  try {
    assert.ok((await cluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, { fieldManager: "test" })).ok);
    await applyManifests(
      cluster,
      readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
    );
    await waitFor("the ConfigMap drift watch", () => (relay.watchedManagedKinds().includes(`v1:ConfigMap|${NS}`) ? true : undefined));
    const widget = await cluster.create({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name: "w", namespace: NS }, spec: { value: "a" } });
    assert.ok(widget.ok);
    const uid = String((widget.value.metadata as { uid: string }).uid);
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "w-cm", namespace: NS }, data: { value: "a" } };
    const ownerRef = { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "w", uid, blockOwnerDeletion: true, controller: false };
    // What a ResourceFunction sends (RF-19): the body with its own JSON as the annotation.
    const koreoBody = (data: Record<string, string>) => {
      const stripped = { ...body, metadata: { ...body.metadata, ownerReferences: [ownerRef] }, data };
      return { ...stripped, metadata: { ...stripped.metadata, annotations: { [LAST_APPLIED]: JSON.stringify(stripped) } } };
    };
    assert.ok((await cluster.create(koreoBody({ value: "a" }))).ok);
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "w-cm", namespace: NS };
    assert.ok((await cluster.mergePatch(ref, koreoBody({ value: "b" }))).ok, "Koreo changes its own intent");
    const drifts = () => work.sent.filter((r) => r.reason === "drift");
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(drifts(), [], "Koreo's own create and patch match their annotation");
    assert.ok((await cluster.mergePatch(ref, { data: { value: "theirs" } }, { fieldManager: "kubectl-edit" })).ok);
    const edited = await waitFor("the drift request", () => drifts()[0]);
    assert.deepEqual(edited.trigger, { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "w", uid, namespace: NS });
    assert.ok((await cluster.delete(ref)).ok);
    await waitFor("the deletion's drift request", () => drifts().find((r) => r.nonce?.endsWith(":deleted")));
    // A ResourceFunction going away stops its kind's watch.
    assert.ok((await cluster.delete({ apiVersion: "koreo.dev/v1beta1", kind: "ResourceFunction", name: "widget-config-map", namespace: NS })).ok);
    await waitFor("the drift watch to stop", () => (relay.watchedManagedKinds().length === 0 ? true : undefined));
  } finally {
    await relay.stop();
    await api.close();
  }
});

test("drift watching can be turned off (a relay without RBAC for the managed kinds): trigger watches are unaffected", async () => {
  const api = await startApiServer({ port: 0 });
  const cluster = createClientNodeCluster(explicitKubeAccess(api.url));
  const backoff = { baseMs: 100, capMs: 500, jitterMs: 50, maxErrors: Number.POSITIVE_INFINITY, renewMs: 900_000 };
  const relay = startRelay({
    cluster,
    work: createRecordingWorkQueue(),
    logger: silentLogger,
    koreoNamespaces: [NS],
    templateNamespaces: [NS],
    resourceNamespaces: [NS],
    backoff,
    watchManagedKinds: false,
  });
  try {
    assert.ok((await cluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, { fieldManager: "test" })).ok);
    await applyManifests(
      cluster,
      readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
    );
    await waitFor("the Widget watch", () => (relay.watchedKinds().length === 1 ? true : undefined));
    assert.deepEqual(relay.watchedManagedKinds(), []);
  } finally {
    await relay.stop();
    await api.close();
  }
});
