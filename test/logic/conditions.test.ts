import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeCondition } from "../../src/logic/conditions.ts";
import { deepMerge } from "../../src/value/deep-merge.ts";

const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-01T00:05:00Z";
const ready = { type: "Ready", status: "False", reason: "Wait", message: "waiting", location: "spec.x" };

test("COND-1 a new type is appended with both times = now", () => {
  const other = { type: "Other", status: "True" };
  assert.deepEqual(mergeCondition([other], ready, T0), [other, { ...ready, lastUpdateTime: T0, lastTransitionTime: T0 }]);
  assert.deepEqual(mergeCondition(undefined, ready, T0), [{ ...ready, lastUpdateTime: T0, lastTransitionTime: T0 }]);
});

test("COND-1 same status: fields replaced, lastUpdateTime moves, lastTransitionTime kept", () => {
  const first = mergeCondition([], ready, T0);
  const second = mergeCondition(first, { ...ready, reason: "Still", message: "still waiting", location: "spec.y" }, T1);
  assert.deepEqual(second, [
    { type: "Ready", status: "False", reason: "Still", message: "still waiting", location: "spec.y", lastUpdateTime: T1, lastTransitionTime: T0 },
  ]);
});

test("COND-1 status change (or a missing lastTransitionTime) moves lastTransitionTime", () => {
  const first = mergeCondition([], ready, T0);
  const changed = mergeCondition(first, { ...ready, status: "True" }, T1);
  assert.equal((changed[0] as { lastTransitionTime: string }).lastTransitionTime, T1);
  const noTime = mergeCondition([{ type: "Ready", status: "False" }], ready, T1);
  assert.equal((noTime[0] as { lastTransitionTime: string }).lastTransitionTime, T1);
});

test("COND-1 the input list is not mutated and an update without location clears it", () => {
  const list = mergeCondition([], ready, T0);
  const copy = structuredClone(list);
  const { location: _omitted, ...noLocation } = ready;
  const next = mergeCondition(list, noLocation, T1);
  assert.deepEqual(list, copy);
  assert.equal("location" in (next[0] as object), false);
});

test("BODY-4 deep merge: maps merge recursively, lists and null replace, base untouched", () => {
  const base = { a: { b: 1n, c: [1n, 2n] }, d: "x" };
  const merged = deepMerge(base, { a: { c: [3n], e: null }, d: { f: true } });
  assert.deepEqual(merged, { a: { b: 1n, c: [3n], e: null }, d: { f: true } });
  assert.deepEqual(base, { a: { b: 1n, c: [1n, 2n] }, d: "x" });
});
