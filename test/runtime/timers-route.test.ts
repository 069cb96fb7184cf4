import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { delayUntil, routeTimer } from "../../src/timers/route.ts";

test("SRV-5: the 1200 s resync is one 900 s hop then one 300 s hop, then forwarded", () => {
  const now = 0;
  const dueAt = 1_200_000;
  assert.deepEqual(routeTimer(dueAt, now), { kind: "hold", delaySeconds: 900 });
  assert.deepEqual(routeTimer(dueAt, now + 900_000), { kind: "hold", delaySeconds: 300 });
  assert.deepEqual(routeTimer(dueAt, now + 1_200_000), { kind: "forward" });
});

test("SRV-5: a hop never exceeds SQS's 900 s and is never early", () => {
  fc.assert(
    fc.property(fc.integer({ min: -1e9, max: 1e10 }), fc.integer({ min: 0, max: 1e9 }), (dueAt, now) => {
      const d = delayUntil(dueAt, now);
      return d >= 0 && d <= 900 && (d === 900 || now + d * 1000 >= dueAt);
    }),
  );
});
