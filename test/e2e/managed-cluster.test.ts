/**
 * CTL-19 end to end: the local stack's handlers configured with MANAGED_RESOURCE_API_SERVER_URL
 * (and a service-account token file) write a Widget's ConfigMap into a second embedded API server,
 * while the Widget and its status stay on the controller's cluster.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import type { ClusterApi } from "../../src/cluster/cluster-api.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";
import { startLocalStack, type LocalStack } from "../../src/local/stack.ts";
import { isMap } from "../../src/value/value.ts";
import { waitFor } from "../support/e2e.ts";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const NS = "koreo-e2e";
let remote: RunningApiServer;
let remoteCluster: ClusterApi;
let stack: LocalStack;

before(async () => {
  remote = await startApiServer({ port: 0 });
  remoteCluster = createClientNodeCluster(loadKubeConfig({ server: remote.url }));
  const ns = await remoteCluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, { fieldManager: "e2e" });
  assert.ok(ns.ok);
  const token = join(mkdtempSync(join(tmpdir(), "koreo-sa-")), "token");
  writeFileSync(token, "remote-token\n");
  stack = await startLocalStack({
    manifests: [`${fixtures}widget-crd.yaml`, `${fixtures}widget-program.yaml`],
    env: { KOREO_NAMESPACE: NS, RESOURCE_NAMESPACE: NS, MANAGED_RESOURCE_API_SERVER_URL: remote.url, MANAGED_RESOURCE_SERVICEACCOUNT: token },
  });
});
after(async () => {
  await stack?.stop();
  await remote?.close();
});

test("CTL-19 two API servers: the managed ConfigMap is in the remote one, owned by the trigger; the trigger's status is patched at home", async () => {
  await waitFor("the relay to watch Widget", () => stack.relay.watchedKinds().some((k) => k.includes("Widget")) || undefined);
  const applied = await stack.cluster.apply(
    { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name: "far", namespace: NS }, spec: { value: "away" } },
    { fieldManager: "e2e", force: true },
  );
  assert.ok(applied.ok);
  const ref = { apiVersion: "v1", kind: "ConfigMap", name: "far-cm", namespace: NS };
  const cm = await waitFor("the ConfigMap in the managed cluster", async () => {
    const got = await remoteCluster.get(ref);
    return got.ok ? got.value : undefined;
  });
  assert.ok(isMap(cm.data) && cm.data.value === "away");
  const widgetUid = isMap(applied.value.metadata) ? applied.value.metadata.uid : undefined;
  const owners = isMap(cm.metadata) && Array.isArray(cm.metadata.ownerReferences) ? cm.metadata.ownerReferences : [];
  assert.ok(
    owners.some((o) => isMap(o) && o.kind === "Widget" && o.name === "far" && o.uid === widgetUid),
    "owner reference names the trigger",
  );
  assert.equal((await stack.cluster.get(ref)).ok, false, "nothing managed in the controller's cluster");
  await waitFor("the Widget's state on the controller's cluster", async () => {
    const w = await stack.cluster.get({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name: "far", namespace: NS });
    return w.ok && isMap(w.value.status) && isMap(w.value.status.state) && w.value.status.state.configMap === "far-cm" ? true : undefined;
  });
});
