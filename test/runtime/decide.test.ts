import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { DEFAULT_TIMINGS } from "../../src/config/config.ts";
import { decide, resyncDelay } from "../../src/reconciler/decide.ts";
import { Outcome } from "../../src/outcome/outcome.ts";

const half = () => 0.5;
const reconciled = (outcome: Outcome) => ({ status: "reconciled" as const, outcome });

test("CTL-14: Retry requeues after its delay, PermFail schedules nothing, Ok/Skip/DepSkip resync", () => {
  assert.deepEqual(decide(reconciled(Outcome.retry(7)), 0, DEFAULT_TIMINGS, half), { kind: "requeue", afterSeconds: 7 });
  assert.deepEqual(decide(reconciled(Outcome.permFail("x")), 0, DEFAULT_TIMINGS, half), { kind: "done" });
  for (const o of [Outcome.ok(null), Outcome.skip(), Outcome.depSkip()]) {
    assert.deepEqual(decide(reconciled(o), 0, DEFAULT_TIMINGS, half), { kind: "requeue", afterSeconds: 1200 });
  }
});

test("CTL-9: a selection error retries after 120 s", () => {
  assert.deepEqual(decide({ status: "selection-error", outcome: Outcome.permFail("NoWorkflow") }, 0, DEFAULT_TIMINGS, half), {
    kind: "requeue",
    afterSeconds: 120,
  });
});

test("CTL-15 / SRV-5: the periodic resync is 1200 s ± 10 %", () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 0.9999999, noNaN: true }), (r) => {
      const s = resyncDelay(DEFAULT_TIMINGS, () => r);
      return s >= 1080 && s <= 1320;
    }),
  );
});

test("CTL-14 / SRV-7: system errors back off min(2^n·30 + U[0,30), 900) and give up after 10", () => {
  const err = { status: "system-error" as const, outcome: Outcome.retry(undefined, "boom") };
  assert.deepEqual(
    decide(err, 0, DEFAULT_TIMINGS, () => 0),
    { kind: "backoff", afterSeconds: 30, attempt: 1 },
  );
  assert.deepEqual(
    decide(err, 1, DEFAULT_TIMINGS, () => 0),
    { kind: "backoff", afterSeconds: 60, attempt: 2 },
  );
  assert.deepEqual(
    decide(err, 8, DEFAULT_TIMINGS, () => 0.99),
    { kind: "backoff", afterSeconds: 900, attempt: 9 },
  );
  assert.deepEqual(decide(err, 10, DEFAULT_TIMINGS, half), { kind: "give-up", attempt: 11 });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 9 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (n, r) => {
      const d = decide(err, n, DEFAULT_TIMINGS, () => r);
      return d.kind === "backoff" && d.afterSeconds >= 30 && d.afterSeconds <= 900;
    }),
  );
});

test("CTL-16: a trigger gone during the run schedules nothing", () => {
  assert.deepEqual(decide({ status: "not-found", outcome: Outcome.skip() }, 3, DEFAULT_TIMINGS, half), { kind: "done" });
  assert.deepEqual(decide({ status: "terminating", outcome: Outcome.skip() }, 3, DEFAULT_TIMINGS, half), { kind: "done" });
});
