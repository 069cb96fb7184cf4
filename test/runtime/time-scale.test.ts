/** `koreo start --time-scale`: the scaled clock and the timer queue agree, so a timer is never early by the handlers' clock. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { scaledClock, scaledTimers } from "../../src/local/time-scale.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import type { ReconcileRequest } from "../../src/queue/messages.ts";

test("time scale: the clock starts at the wall clock and runs N times faster", () => {
  const wall = fixedClock(1_000_000);
  const clock = scaledClock(10, wall);
  assert.equal(clock.now(), 1_000_000);
  wall.advance(1500);
  assert.equal(clock.now(), 1_015_000);
});

test("time scale: timer delays are divided, rounded up to whole seconds", async () => {
  const held: number[] = [];
  const timers = scaledTimers({ schedule: async (_request, delay) => void held.push(delay) }, 10);
  const request: ReconcileRequest = { trigger: { apiVersion: "v1", kind: "K", name: "n", uid: "u" }, reason: "timer", dueAt: 0 };
  for (const delay of [0, 1, 15, 30, 900]) await timers.schedule(request, delay);
  assert.deepEqual(held, [0, 1, 2, 3, 90]);
});
