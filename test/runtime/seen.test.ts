/**
 * The container's memory of handled triggers and the drops it allows without a GET
 * (src/reconciler/seen.ts; SRV-2, CTL-10, SRV-5). Pure code: no cluster, no queue.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ReconcileRequest } from "../../src/queue/messages.ts";
import { compareVersions, createSeenMemory, dropWithoutGet, shellOf, type Known } from "../../src/reconciler/seen.ts";

const trigger = { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", namespace: "ns", name: "w", uid: "u1" };
const shell = shellOf({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name: "w", namespace: "ns", uid: "u1" } });
const known: Known = { resourceVersion: "120", hash: "h", chain: 50_000, observedAt: 100_000, workflowVersion: "v1", shell };
const skew = 5_000;

/** `with`: what the container knows and its Workflow version now (default: `known`, "v1"; a default parameter would swallow an explicit undefined). */
function drop(request: Omit<ReconcileRequest, "trigger">, ...with_: [k?: Known | undefined, version?: string | undefined]) {
  const [k, version] = with_.length === 0 ? [known, "v1"] : with_.length === 1 ? [with_[0], "v1"] : with_;
  return dropWithoutGet({ request: { trigger, ...request }, known: k, workflowVersionNow: version, clockSkewMs: skew });
}

test("SRV-2 / CTL-10: an event for a resourceVersion this container already handled (or an older one) is dropped without a GET", () => {
  assert.equal(drop({ reason: "event", hash: "x", resourceVersion: "119" }), "seen-version");
  assert.equal(drop({ reason: "event", hash: "x", resourceVersion: "120" }), "seen-version");
  assert.equal(drop({ reason: "event", hash: "x", resourceVersion: "121" }), undefined, "a newer version is read");
  assert.equal(drop({ reason: "event", hash: "x" }), undefined, "an event without a version (the sweep's) is read");
  assert.equal(drop({ reason: "event", hash: "x", resourceVersion: "119" }, undefined), undefined, "nothing known: read");
});

test("SRV-2: resourceVersions are compared as integers only; anything else (they are opaque) is never dropped", () => {
  assert.equal(compareVersions("9", "10"), -1, "numeric, not lexicographic");
  assert.equal(compareVersions("18446744073709551617", "18446744073709551616"), 1, "beyond 2^64");
  assert.equal(compareVersions("10", "10"), 0);
  for (const odd of ["", "abc", "0x10", "-1", "010", "1.5", " 10"]) assert.equal(compareVersions(odd, "10"), undefined, JSON.stringify(odd));
  assert.equal(drop({ reason: "event", resourceVersion: "abc" }), undefined);
  assert.equal(drop({ reason: "event", resourceVersion: "100" }, { ...known, resourceVersion: "opaque-7" }), undefined);
});

test("SRV-9 / CTL-10: nothing is dropped once the container's Workflow version for the trigger moved (a definitions change the relay re-delivers as events)", () => {
  assert.equal(drop({ reason: "event", resourceVersion: "100" }, known, "v2"), undefined);
  assert.equal(drop({ reason: "timer", chain: 1_000, dueAt: 2_000 }, known, "v2"), undefined);
  assert.equal(
    drop({ reason: "event", resourceVersion: "100" }, { ...known, workflowVersion: undefined }, undefined),
    "seen-version",
    "no Workflow then nor now",
  );
});

test("SRV-5: a timer or sweep whose chain began before this container last looked, allowing for clock skew, is dropped; the live chain and younger ones are read", () => {
  assert.equal(drop({ reason: "timer", chain: 1_000, dueAt: 1_201_000 }), "seen-stale-chain");
  assert.equal(drop({ reason: "sweep", chain: 1_000, dueAt: 1_201_000 }), "seen-stale-chain");
  assert.equal(drop({ reason: "timer", chain: 50_000, dueAt: 1_250_000 }), undefined, "the chain the record names");
  assert.equal(
    drop({ reason: "timer", chain: 96_000, dueAt: 1_296_000 }),
    undefined,
    "within the skew allowance of the look: might be a later chain from a slower clock",
  );
  assert.equal(drop({ reason: "timer", chain: 100_500, dueAt: 1_300_500 }), undefined, "began after the look");
  assert.equal(drop({ reason: "timer", dueAt: 1_000 }), "seen-stale-chain", "a pre-chain timer names its chain by its due time");
  assert.equal(drop({ reason: "timer", chain: 1_000 }, { ...known, chain: undefined }), "seen-stale-chain", "no live chain when we looked");
});

test("SRV-10 / SRV-9: force, definitions and drift requests always read the trigger", () => {
  for (const reason of ["force", "definitions", "drift"] as const)
    assert.equal(drop({ reason, resourceVersion: "1", chain: 1, nonce: "n" }), undefined, reason);
});

test("the memory is bounded (least recently used goes first) and never lowers a remembered resourceVersion", () => {
  const seen = createSeenMemory({ maxEntries: 2 });
  seen.remember("a", known);
  seen.remember("b", known);
  assert.ok(seen.get("a"), "touch a: b is now the least recently used");
  seen.remember("c", known);
  assert.equal(seen.size(), 2);
  assert.equal(seen.get("b"), undefined);
  assert.ok(seen.get("a") && seen.get("c"));
  seen.remember("a", { ...known, resourceVersion: "90", chain: 7 });
  assert.equal(seen.get("a")?.resourceVersion, "120", "an older read does not lower it");
  assert.equal(seen.get("a")?.chain, 7, "but the rest is the latest handling's");
  seen.forget("a");
  assert.equal(seen.get("a"), undefined);
});

test("CTL-9: the shell keeps what Workflow selection reads and drops spec, status and Koreo's own or kubectl's annotations", () => {
  const full = {
    apiVersion: "e2e.koreo.dev/v1",
    kind: "Widget",
    metadata: {
      name: "w",
      namespace: "ns",
      uid: "u1",
      resourceVersion: "5",
      labels: { team: "a" },
      managedFields: [{ manager: "x" }],
      annotations: {
        "koreo.dev/workflow": "other",
        "koreo.dev/reconcile-state": "{}",
        "koreo.dev/managed-resources": "{}",
        "kubectl.kubernetes.io/last-applied-configuration": "{…}",
      },
    },
    spec: { value: "big" },
    status: { state: {} },
  };
  assert.deepEqual(shellOf(full), {
    apiVersion: "e2e.koreo.dev/v1",
    kind: "Widget",
    metadata: { name: "w", namespace: "ns", uid: "u1", labels: { team: "a" }, annotations: { "koreo.dev/workflow": "other" } },
  });
});
