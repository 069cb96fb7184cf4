/**
 * `kubectl describe` lists an object's Events with `involvedObject.*` field selectors; the
 * server must accept them on Events (and only there, as kube-apiserver does).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { harness, kubectl } from "../support/apiserver.ts";

test("kubectl describe shows the Events about the object, selected by involvedObject fields", { timeout: 120_000 }, async () => {
  const h = await harness({ tls: true });
  try {
    const k = kubectl(h);
    assert.equal((await k.run(["create", "configmap", "settings", "--from-literal=a=b"])).code, 0);
    const created = await h.req("GET", "/api/v1/namespaces/default/configmaps/settings");
    const about = { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "settings", uid: created.body.metadata.uid };
    const event = (name: string, reason: string, involvedObject: object) => ({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: "default" },
      involvedObject,
      reason,
      message: `${reason} happened`,
      type: "Normal",
      count: 1,
      source: { component: "koreo" },
      firstTimestamp: "2026-12-03T10:00:00Z",
      lastTimestamp: "2026-12-03T10:00:00Z",
    });
    assert.equal((await h.req("POST", "/api/v1/namespaces/default/events", event("settings.1", "Reconciled", about))).status, 201);
    const other = { ...about, name: "other", uid: "0000" };
    assert.equal((await h.req("POST", "/api/v1/namespaces/default/events", event("other.1", "Elsewhere", other))).status, 201);
    const described = await k.run(["describe", "configmap", "settings"]);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /Events:[\s\S]*Reconciled[\s\S]*Reconciled happened/);
    assert.doesNotMatch(described.stdout, /Elsewhere/, "only the Events about this object");
    const refused = await h.req("GET", "/api/v1/namespaces/default/configmaps?fieldSelector=involvedObject.name%3Dx");
    assert.equal(refused.status, 400, "involvedObject is an Event field only");
  } finally {
    await h.close();
  }
});
