import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_TIMINGS } from "../../src/config/config.ts";
import { gate, type Observed } from "../../src/reconciler/gate.ts";
import { readRecord, RECORD_ANNOTATION, type GateRecord } from "../../src/reconciler/record.ts";
import type { ReconcileRequest, RequestReason } from "../../src/queue/messages.ts";

const trigger = { apiVersion: "x.dev/v1", kind: "App", namespace: "ns", name: "a", uid: "u1" };
const now = 1_000_000;
const req = (reason: RequestReason, extra: Partial<ReconcileRequest> = {}): ReconcileRequest => ({ trigger, reason, ...extra });
const present = (hash: string, record?: GateRecord, terminating = false): Observed =>
  record === undefined ? { kind: "present", hash, terminating } : { kind: "present", hash, terminating, record };
const run = (request: ReconcileRequest, observed: Observed, workflowVersion?: string) =>
  gate({ request, observed, now, timings: DEFAULT_TIMINGS, ...(workflowVersion === undefined ? {} : { workflowVersion }) });
const chain = now - 3_600_000;
const ok: GateRecord = { hash: "h1", workflowVersion: "w1", outcome: "Ok", attempt: 0, chain };

test("CTL-7 / SRV-11: a deleted trigger or a name re-used by a new uid drops the request (tombstone by uid)", () => {
  assert.deepEqual(run(req("event"), { kind: "gone" }), { proceed: false, why: "gone" });
  assert.deepEqual(run(req("force"), { kind: "gone" }), { proceed: false, why: "gone" });
});

test("CTL-16: a terminating trigger is not reconciled", () => {
  assert.equal(run(req("force"), present("h1", ok, true)).proceed, false);
});

test("CTL-10: never reconciled, or the hash changed, proceeds", () => {
  assert.equal(run(req("event"), present("h1")).proceed, true);
  const changed = run(req("event"), present("h2", ok));
  assert.equal(changed.proceed && changed.why, "hash-changed");
});

test("CTL-10 / CTL-7: an event with an unchanged hash is dropped (a burst coalesces)", () => {
  assert.deepEqual(run(req("event"), present("h1", ok)), { proceed: false, why: "unchanged" });
});

test("CTL-10 / SRV-3 / SRV-9: a new Workflow version proceeds; a definitions fan-out with the same version is dropped", () => {
  const moved = run(req("definitions"), present("h1", ok), "w2");
  assert.equal(moved.proceed && moved.why, "workflow-changed");
  assert.equal(run(req("definitions"), present("h1", ok), "w1").proceed, false);
  assert.equal(run(req("definitions"), present("h1", ok)).proceed, true, "unknown version: run (idempotent)");
});

test("SRV-10: force bypasses the outcome and due checks, even after PermFail", () => {
  const permfail: GateRecord = { hash: "h1", outcome: "PermFail", attempt: 0 };
  assert.equal(run(req("force"), present("h1", permfail)).proceed, true);
});

test("CTL-10: PermFail never proceeds on timers or unchanged events", () => {
  const permfail: GateRecord = { hash: "h1", outcome: "PermFail", attempt: 0, chain };
  assert.equal(run(req("timer", { dueAt: now, chain }), present("h1", permfail)).proceed, false);
  assert.equal(run(req("event"), present("h1", permfail)).proceed, false);
});

test("SRV-5 / CTL-10: only the timer chain the record names runs; stale or duplicate timers are dropped", () => {
  const retry: GateRecord = { hash: "h1", outcome: "Retry", attempt: 0, chain };
  assert.equal(run(req("timer", { dueAt: now - 1, chain }), present("h1", retry)).proceed, true);
  assert.deepEqual(run(req("timer", { dueAt: now - 1, chain: chain - 1 }), present("h1", retry)), { proceed: false, why: "stale-timer" });
});

test("SRV-5 / SRV-12: a record and timers written before chains existed still match (the due time was the chain id)", () => {
  const legacy = { hash: "h1", outcome: "Retry", attempt: 0, dueAt: now - 5 };
  const trigger = { metadata: { annotations: { [RECORD_ANNOTATION]: JSON.stringify(legacy) } } };
  const record = readRecord(trigger);
  assert.equal(record?.chain, now - 5);
  assert.equal(record && run(req("timer", { dueAt: now - 5 }), present("h1", record)).proceed, true);
  assert.equal(record && run(req("timer", { dueAt: now - 6 }), present("h1", record)).proceed, false);
});

test("CTL-10 recommendation: Retry proceeds when due or overdue, not early", () => {
  const retry: GateRecord = { hash: "h1", outcome: "Retry", attempt: 0, chain };
  assert.equal(run(req("timer", { dueAt: now - 3_600_000, chain }), present("h1", retry)).proceed, true);
  assert.deepEqual(run(req("timer", { dueAt: now + 1000, chain }), present("h1", retry)), {
    proceed: false,
    why: "not-due",
    rearm: { dueAt: now + 1000, chain },
  });
});

test("CTL-10: Ok proceeds within the 5 s due-soon window", () => {
  assert.equal(run(req("timer", { dueAt: now + 4000, chain }), present("h1", ok)).proceed, true);
  assert.equal(run(req("timer", { dueAt: now + 6000, chain }), present("h1", ok)).proceed, false);
});
