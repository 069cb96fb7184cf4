import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeRequest, encodeRequest, type ReconcileRequest } from "../../src/queue/messages.ts";
import { deduplicationId, messageGroupId } from "../../src/queue/ids.ts";
import { changeHash } from "../../src/reconciler/change-hash.ts";
import { RECORD_ANNOTATION } from "../../src/reconciler/record.ts";

const trigger = { apiVersion: "x.dev/v1", kind: "App", namespace: "ns", name: "a", uid: "0b6f-uid" };

test("SRV-2: messages carry identity only and round-trip", () => {
  const r: ReconcileRequest = { trigger, reason: "event", hash: "abc" };
  assert.deepEqual(decodeRequest(encodeRequest(r)), { ok: true, request: r });
  assert.equal(decodeRequest("{").ok, false);
  assert.equal(decodeRequest(JSON.stringify({ trigger: { ...trigger, uid: "" }, reason: "event" })).ok, false);
});

test("SRV-2: group = trigger uid; dedup = uid:hash for events, uid:dueAt for timers, nonce for force", () => {
  assert.equal(messageGroupId({ trigger, reason: "force", nonce: "n" }), "0b6f-uid");
  assert.equal(deduplicationId({ trigger, reason: "event", hash: "abc" }), "0b6f-uid:event:abc");
  assert.equal(deduplicationId({ trigger, reason: "timer", dueAt: 42 }), "0b6f-uid:timer:42");
  assert.notEqual(deduplicationId({ trigger, reason: "force", nonce: "a" }), deduplicationId({ trigger, reason: "force", nonce: "b" }));
  assert.ok(deduplicationId({ trigger: { ...trigger, uid: "x".repeat(200) }, reason: "event", hash: "h" }).length <= 128);
});

test("CTL-8: status and Koreo's own annotations do not change the hash; spec and labels do", () => {
  const base = { apiVersion: "x.dev/v1", kind: "App", metadata: { name: "a", labels: { l: "1" }, annotations: {} }, spec: { n: 1n } };
  const withOwn = {
    ...base,
    metadata: { ...base.metadata, annotations: { [RECORD_ANNOTATION]: "{}", "koreo.dev/managed-resources": "{}" } },
    status: { x: 1n },
  };
  assert.equal(changeHash(base), changeHash(withOwn));
  assert.notEqual(changeHash(base), changeHash({ ...base, spec: { n: 2n } }));
  assert.notEqual(changeHash(base), changeHash({ ...base, metadata: { ...base.metadata, annotations: { "koreo.dev/last-manual-reconcile": "t" } } }));
});
