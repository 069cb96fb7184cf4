/**
 * Production checklist: a trigger kind the relay may not watch (403, RBAC) and one that
 * vanished (404, no CRD) are reported and retried with backoff while the relay keeps
 * serving the other kinds. The relay bundle runs in a child process; a small proxy in
 * front of the embedded API server answers 403 for one resource as RBAC would.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { startLocalSqs } from "../../src/local/sqs.ts";
import { waitFor } from "../support/e2e.ts";
import { collectUntil, ensureStopped, kubeconfigFor, NS, root, spawnRelay, startRbacProxy, widget } from "../support/relay.ts";

const crd = (group: string, kind: string, plural: string) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: "Namespaced",
    names: { kind, plural, singular: kind.toLowerCase() },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
  },
});

const workflowFor = (name: string, apiGroup: string, kind: string) => ({
  apiVersion: "koreo.dev/v1beta1",
  kind: "Workflow",
  metadata: { name, namespace: NS },
  spec: {
    crdRef: { apiGroup, version: "v1", kind },
    steps: [{ label: "gate", ref: { kind: "ValueFunction", name: "widget-gate" }, inputs: { spec: "=parent.spec" } }],
  },
});

const FORBIDDEN = /^\/apis\/locked\.e2e\.koreo\.dev\/v1\/(namespaces\/[^/]+\/)?gadgets/;

test("relay: a trigger kind answering 403 (RBAC) and one answering 404 (CRD missing) are logged as ERRORs naming kind and reason, counted in /metrics and retried; Widget events still reach the queue, and the 404 kind is watched once its CRD exists", async () => {
  const dir = mkdtempSync(join(tmpdir(), "koreo-relay-kinds-"));
  const api = await startApiServer({});
  const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url }), { readRetry: { attempts: 1, baseDelayMs: 10 } });
  const proxy = await startRbacProxy(api.url, (path) => FORBIDDEN.test(path));
  const sqs = await startLocalSqs();
  await applyManifests(cluster, [
    ...readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
    crd("locked.e2e.koreo.dev", "Gadget", "gadgets"),
    workflowFor("gadget", "locked.e2e.koreo.dev", "Gadget"),
    workflowFor("ghost", "gone.e2e.koreo.dev", "Ghost"),
  ]);
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, kubeconfigFor(proxy.url));
  const relay = spawnRelay({ kubeconfig, queueUrl: sqs.workUrl, sqsEndpoint: sqs.endpoint });
  try {
    const forbidden = await waitFor("the 403 ERROR", () => relay.logged("ERROR", /Cannot watch Gadget \(locked\.e2e\.koreo\.dev\/v1\).*Forbidden/));
    assert.equal(forbidden.kind, "Gadget");
    assert.equal(forbidden.reason, "Forbidden");
    const missing = await waitFor("the 404 ERROR", () => relay.logged("ERROR", /Cannot watch Ghost \(gone\.e2e\.koreo\.dev\/v1\).*NotFound/));
    assert.equal(missing.reason, "NotFound");

    // The other kinds are served: a Widget event reaches the queue, and the relay is ready (the broken kinds retry, bounded).
    assert.ok((await cluster.apply(widget("w-1"), { fieldManager: "t" })).ok);
    await collectUntil(sqs.client, sqs.workUrl, "the Widget event", (seen) => seen.some((r) => r.trigger.name === "w-1" && r.reason === "event"));
    const ready = await waitFor("/readyz 200", async () => {
      const reply = await relay.readyz();
      return reply.status === 200 ? reply : undefined;
    });
    const phases = new Map(ready.body.watches.map((w) => [w.kind, `${w.phase}:${w.reason ?? ""}`]));
    assert.equal(phases.get("Widget"), "watching:");
    assert.equal(phases.get("Gadget"), "retrying:Forbidden");
    assert.equal(phases.get("Ghost"), "retrying:NotFound");
    const metrics = await relay.metrics();
    assert.match(metrics, /^koreo_relay_watch_errors_total\{kind="Gadget",namespace="koreo-e2e",reason="Forbidden"\} [1-9]/m);
    assert.match(metrics, /^koreo_relay_watch_errors_total\{kind="Ghost",namespace="koreo-e2e",reason="NotFound"\} [1-9]/m);
    assert.equal(relay.child.exitCode, null, "the relay is still running");

    // The missing CRD appears: the retry (capped backoff) finds it, and its triggers are forwarded.
    await applyManifests(cluster, [crd("gone.e2e.koreo.dev", "Ghost", "ghosts")]);
    assert.ok(
      (await cluster.apply({ apiVersion: "gone.e2e.koreo.dev/v1", kind: "Ghost", metadata: { name: "g-1", namespace: NS }, spec: {} }, { fieldManager: "t" }))
        .ok,
    );
    await waitFor(
      "the Ghost watch to recover",
      () => relay.logged("INFO", /Watching Ghost \(gone\.e2e\.koreo\.dev\/v1\) in namespace koreo-e2e again/),
      60_000,
    );
    await collectUntil(sqs.client, sqs.workUrl, "the Ghost event", (seen) => seen.some((r) => r.trigger.name === "g-1" && r.reason === "event"));
  } finally {
    await ensureStopped(relay);
    await sqs.stop();
    await proxy.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
