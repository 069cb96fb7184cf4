import { test } from "node:test";
import assert from "node:assert/strict";
import { prepareBody, prepareOverlay, preparePredicates } from "../../src/expressions/index.ts";
import { v } from "../support/expressions.ts";

function refs(expr: string): string[] {
  const p = prepareBody(`=${expr}`, "loc");
  if (!p.ok || p.value === undefined) assert.fail(`did not prepare: ${expr}`);
  return [...p.value.references].sort();
}

test("EXPR-55 every prefix of length >= 2 of a selection chain; bare identifiers report nothing", () => {
  assert.deepEqual(refs("steps.a.b.c"), ["steps.a", "steps.a.b", "steps.a.b.c"]);
  assert.deepEqual(refs("inputs"), []);
});

test("EXPR-56 literal indexes are path segments", () => {
  assert.deepEqual(refs("steps['a'].b"), ["steps.a", "steps.a.b"]);
  assert.deepEqual(refs("steps[0]"), ["steps.0"]);
  assert.deepEqual(refs('x["a-b"].c'), ["x.a-b", "x.a-b.c"]);
});

test("EXPR-57 non-literal indexes use the first operand found", () => {
  assert.deepEqual(refs("steps[inputs.k]"), ["inputs.k", "steps.inputs"]);
  assert.deepEqual(refs("steps.a[1 + 2]"), ["steps.a", "steps.a.1"]);
});

test("EXPR-58 paths are collected everywhere, including macros, calls and structures", () => {
  assert.deepEqual(refs("to_ref(steps.a)"), ["steps.a"]);
  assert.deepEqual(refs("steps.a.size()"), ["steps.a"]);
  assert.deepEqual(refs("steps.a.exists(x, x.ok)"), ["steps.a", "x.ok"]);
  assert.deepEqual(refs('{"k": steps.b.c} == steps.d.e'), ["steps.b", "steps.b.c", "steps.d", "steps.d.e"]);
  assert.deepEqual(refs("steps.a.f(1).b"), ["steps.a", "steps.a.f.b"]);
  assert.deepEqual(refs("steps.a.to_ref().name"), ["steps.a"]);
  assert.deepEqual(refs("x.lower().y"), []);
  assert.deepEqual(refs('{"a": 1}.a'), []);
  assert.deepEqual(refs("has(steps.a.b)"), ["steps.a", "steps.a.b"]);
  const body = prepareBody(v({ a: "=steps.x.y", b: ["=inputs.k"] }), "loc");
  assert.ok(body.ok && body.value);
  assert.deepEqual([...body.value.references].sort(), ["inputs.k", "steps.x", "steps.x.y"]);
  const ov = prepareOverlay(v({ a: { b: "=steps.o.p" } }), "loc");
  assert.ok(ov.ok && ov.value);
  assert.deepEqual([...ov.value.references], ["steps.o", "steps.o.p"]);
  const pr = preparePredicates(v([{ assert: "=steps.q.ok", skip: { message: "=steps.r.m" } }]), "loc");
  assert.ok(pr.ok && pr.value);
  assert.deepEqual([...pr.value.references].sort(), ["steps.q", "steps.q.ok", "steps.r", "steps.r.m"]);
});
