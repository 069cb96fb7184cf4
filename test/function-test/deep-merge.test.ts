import { test } from "node:test";
import assert from "node:assert/strict";
import { deepMerge } from "../../src/value/deep-merge.ts";

test("FT-11 / BODY-4 overrides deep-merge: maps recurse, lists and scalars replace, null sets null", () => {
  const base = { a: { b: 1n, c: [1n, 2n] }, d: "x", keep: true };
  const merged = deepMerge(base, { a: { c: [3n] }, d: null, e: { f: 1n } });
  assert.deepEqual(merged, { a: { b: 1n, c: [3n] }, d: null, keep: true, e: { f: 1n } });
  assert.deepEqual(base, { a: { b: 1n, c: [1n, 2n] }, d: "x", keep: true }, "the base is not changed");
});
