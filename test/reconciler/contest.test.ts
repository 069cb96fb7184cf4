/**
 * Drift requests and contests, pure: the gate's decisions for `drift` (CTL-10 with the drift
 * reason), the back-off windows, the condition's statements, the record (CTL-12, SRV-12: a
 * contest is kept only while one exists) and the parent status keeping a True `Contested`
 * condition across runs (ST-7 otherwise unchanged).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_TIMINGS } from "../../src/config/config.ts";
import type { ResourceDrift } from "../../src/logic/types.ts";
import type { ReconcileRequest } from "../../src/queue/messages.ts";
import { contestPatch } from "../../src/reconciler/contest-condition.ts";
import { contestStatement, contestWindowMs, holdUntil, nextContest, type Contest } from "../../src/reconciler/contest.ts";
import { gate, type Observed } from "../../src/reconciler/gate.ts";
import { encodeRecord, readRecord, recordPatch, type GateRecord } from "../../src/reconciler/record.ts";
import { runPatch } from "../../src/workflow/parent-status.ts";
import { Outcome } from "../../src/outcome/outcome.ts";
import { isList, isMap, type Value } from "../../src/value/value.ts";

const trigger = { apiVersion: "x.dev/v1", kind: "App", namespace: "ns", name: "a", uid: "u1" };
const now = 1_000_000;
const chain = now - 60_000;
const drift: ReconcileRequest = { trigger, reason: "drift", nonce: "cm-uid:42" };
const present = (record: GateRecord, hash = "h1"): Observed => ({ kind: "present", hash, terminating: false, record });
const run = (request: ReconcileRequest, observed: Observed) => gate({ request, observed, now, timings: DEFAULT_TIMINGS });
const ok: GateRecord = { hash: "h1", workflowVersion: "w1", outcome: "Ok", attempt: 0, chain };
const contest: Contest = { object: "ConfigMap ns/a-cm", field: "data.value", manager: "kubectl-edit", count: 2, until: now + 10_000 };
const cmDrift = (manager?: string, field = "data.value"): ResourceDrift => ({
  object: { apiVersion: "v1", kind: "ConfigMap", name: "a-cm", namespace: "ns" },
  field,
  ...(manager === undefined ? {} : { manager }),
});

test("CTL-10 drift: a settled trigger runs at once on a drift request (why: drift)", () => {
  const decided = run(drift, present(ok));
  assert.equal(decided.proceed && decided.why, "drift");
});

test("CTL-10 drift: within a contest's back-off window the request is dropped and re-armed at the window's end on the record's chain", () => {
  assert.deepEqual(run(drift, present({ ...ok, contest })), { proceed: false, why: "contested", rearm: { dueAt: contest.until, chain } });
  const over = run(drift, present({ ...ok, contest: { ...contest, until: now } }));
  assert.equal(over.proceed && over.why, "drift", "the window is over: the next correction runs");
});

test("CTL-10 / SRV-10: a trigger change or a force request runs at once even while contested", () => {
  const changed = run({ trigger, reason: "event", hash: "h2" }, present({ ...ok, contest }, "h2"));
  assert.equal(changed.proceed && changed.why, "hash-changed");
  const forced = run({ trigger, reason: "force", nonce: "n" }, present({ ...ok, contest }));
  assert.equal(forced.proceed && forced.why, "force");
});

test("CTL-14 / SRV-7: drift does not restart a trigger that failed for good or was given up on", () => {
  assert.deepEqual(run(drift, present({ hash: "h1", outcome: "PermFail", attempt: 0 })), { proceed: false, why: "permfail" });
  assert.deepEqual(run(drift, present({ hash: "h1", outcome: "SystemError", attempt: 11 })), { proceed: false, why: "gave-up" });
});

test("contest windows: 5 s · 2^(n−1), capped at 5 min", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 20].map(contestWindowMs), [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
});

test("contest: consecutive corrections of the same field by the same manager count up; another field or manager starts over", () => {
  const first = nextContest(undefined, [cmDrift("kubectl-edit")], now);
  assert.deepEqual(first, { object: "ConfigMap ns/a-cm", field: "data.value", manager: "kubectl-edit", count: 1, until: now + 5_000 });
  const second = nextContest(first, [cmDrift("kubectl-edit")], now + 5_000);
  assert.deepEqual(second, { ...first, count: 2, until: now + 15_000 });
  assert.equal(nextContest(second, [cmDrift("helm")], now + 15_000)?.count, 1);
  assert.equal(nextContest(second, [cmDrift("kubectl-edit", "data.other")], now + 15_000)?.count, 1);
  assert.equal(nextContest(undefined, [cmDrift()], now)?.manager, "(unknown)");
});

test("contest: a run without drift keeps it while the window lasts and ends it after (the correction held)", () => {
  assert.equal(nextContest(contest, [], now + 1_000), contest);
  assert.equal(nextContest(contest, [], contest.until), undefined);
  assert.equal(nextContest(undefined, [], now), undefined, "nobody else writes: no contest at all");
});

test("contest condition: stated from the second correction in a row, once per change; resolved when a stated contest ends", () => {
  const first = nextContest(undefined, [cmDrift("kubectl-edit")], now);
  assert.equal(contestStatement(undefined, first, now).kind, "none", "one correction is no contest");
  const second = nextContest(first, [cmDrift("kubectl-edit")], now);
  const stated = contestStatement(first, second, now);
  assert.equal(stated.kind, "contested");
  assert.equal(
    stated.kind === "contested" && stated.message,
    "field data.value of ConfigMap ns/a-cm is also written by field manager kubectl-edit; Koreo backs off (2 corrections in a row, next correction in 10 s)",
  );
  assert.equal(contestStatement(second, second, now).kind, "none", "an unchanged contest is not re-stated");
  assert.equal(contestStatement(second, undefined, now).kind, "resolved");
  assert.equal(contestStatement(first, undefined, now).kind, "none", "nothing was stated, nothing to resolve");
});

test("contest back-off: a correcting run's next timer is not before the window's end; other runs' timers are untouched", () => {
  const timer = { dueAt: now + 1_000, chain: now };
  assert.deepEqual(holdUntil(timer, contest, true), { dueAt: contest.until, chain: now });
  assert.equal(holdUntil(timer, contest, false), timer);
  assert.equal(holdUntil(timer, undefined, true), timer);
  const later = { dueAt: contest.until + 60_000, chain: now };
  assert.equal(holdUntil(later, contest, true), later, "a longer delay (e.g. a resync) stays");
});

test("CTL-12 / SRV-12: the record carries a contest only while one exists, and reads back what it wrote", () => {
  assert.equal(encodeRecord(ok).includes("contest"), false, "no contest: the record is what it always was");
  const trigger = { metadata: { annotations: (recordPatch({ ...ok, contest }).metadata as { annotations: Record<string, string> }).annotations } };
  assert.deepEqual(readRecord(trigger), { ...ok, contest });
  const broken = { metadata: { annotations: { "koreo.dev/reconcile-state": JSON.stringify({ ...ok, contest: { field: 3 } }) } } };
  assert.deepEqual(readRecord(broken), ok, "an unreadable contest reads as none");
});

const conditionsOf = (patch: Value): Value[] => {
  const status = isMap(patch) ? patch.status : undefined;
  return isMap(status) && isList(status.conditions) ? status.conditions : [];
};

test("ST-7: a run keeps a True Contested condition in the list it writes; a False one goes like any foreign condition", () => {
  const contested = contestPatch({ status: { conditions: [{ type: "Ready", status: "True", reason: "Ready" }] } }, { kind: "contested", message: "m" }, now);
  const types = conditionsOf(contested).map((c) => (isMap(c) ? [c.type, c.status, c.reason] : c));
  assert.deepEqual(types, [
    ["Ready", "True", "Ready"],
    ["Contested", "True", "OtherFieldManager"],
  ]);
  const workflowRun = { outcome: Outcome.ok(null), steps: [], state: {}, stateErrors: {}, managedResources: {} };
  const options = { now: "2026-01-01T00:00:00.000000+00:00", standardStatus: false };
  const kept = runPatch({ status: { conditions: conditionsOf(contested) } }, workflowRun, "wf", options);
  assert.deepEqual(
    conditionsOf(kept).map((c) => isMap(c) && c.type),
    ["Ready", "Contested"],
  );
  const resolved = contestPatch({ status: { conditions: conditionsOf(contested) } }, { kind: "resolved", message: "m" }, now);
  const dropped = runPatch({ status: { conditions: conditionsOf(resolved) } }, workflowRun, "wf", options);
  assert.deepEqual(
    conditionsOf(dropped).map((c) => isMap(c) && c.type),
    ["Ready"],
  );
  const quiet = runPatch({ status: { conditions: [{ type: "Ready", status: "True" }] } }, workflowRun, "wf", options);
  assert.deepEqual(
    conditionsOf(quiet).map((c) => isMap(c) && c.type),
    ["Ready"],
    "nobody else writes: ST-7 exactly",
  );
});
