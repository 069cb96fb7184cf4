import { test } from "node:test";
import assert from "node:assert/strict";
import { isExpression, prepareBody, prepareMapBody } from "../../src/expressions/index.ts";
import type { Value } from "../../src/value/value.ts";
import { ev, v } from "../support/expressions.ts";

function run(spec: Value, scope = {}): Value {
  const p = prepareBody(spec, "T:spec.return");
  if (!p.ok) assert.fail(p.outcome.message);
  assert.ok(p.value !== undefined);
  const r = p.value.evaluate(scope);
  if (!r.ok) assert.fail(r.outcome.message);
  return r.value;
}

test("EXPR-1 a string is an expression iff its first character is =", () => {
  assert.equal(isExpression("=1"), true);
  assert.equal(isExpression(" =1"), false);
  assert.equal(run(" =1"), " =1");
});

test("EXPR-2 all leading = are removed; whitespace after = is CEL whitespace", () => {
  assert.equal(run("==1"), 1n);
  assert.equal(run("= 1 + 1"), 2n);
});

test("EXPR-3 an empty CEL source fails preparation with a parse error", () => {
  for (const s of ["=", "==="]) {
    const p = prepareBody(s, "loc");
    assert.equal(p.ok, false);
    if (!p.ok) assert.match(p.outcome.message ?? "", /^Parsing error at line/);
  }
});

test("EXPR-4 empty top-level values produce no program; nested empties are kept", () => {
  for (const e of [undefined, null, false, 0n, 0, "", [], {}] as const) {
    const p = prepareBody(e as Value | undefined, "loc");
    assert.deepEqual(p, { ok: true, value: undefined });
  }
  assert.deepEqual(run(v({ a: {} })), { a: {} });
});

test("EXPR-5 map keys keep order and are never expressions", () => {
  const out = run(v({ z: 1, "=x": 2, a: "=1 + 1" }));
  assert.deepEqual(Object.keys(out as object), ["z", "=x", "a"]);
  assert.deepEqual(out, { z: 1n, "=x": 2n, a: 2n });
});

test("EXPR-6 lists are encoded element by element in order", () => {
  assert.deepEqual(run(v(["web", "=1 + 1", [true]])), ["web", 2n, [true]]);
});

test("EXPR-7 booleans and null are literals", () => {
  assert.deepEqual(run(v({ t: true, f: false, n: null })), { t: true, f: false, n: null });
});

test("EXPR-8 ints and doubles keep their kind; out-of-range ints and non-finite floats fail evaluation", () => {
  const out = run({ i: 1n, d: 1.0, x: "=type(1.0) == double" });
  assert.deepEqual(out, { i: 1n, d: 1, x: true });
  for (const bad of [{ a: 2n ** 64n }, { a: Infinity }, { a: NaN }] as Value[]) {
    const p = prepareBody(bad, "loc");
    assert.ok(p.ok && p.value);
    const r = p.value.evaluate({});
    assert.equal(r.ok, false);
  }
});

test("EXPR-9 numeric-looking literal strings become numbers", () => {
  const out = run(v({ a: "3213", b: "72.3", c: "007", d: "-3", e: "1e5", f: "1.", g: ".5", h: " 42 ", i: "0x10", j: "+5", k: "nan", l: "1_000" }));
  assert.deepEqual(out, { a: 3213n, b: 72.3, c: 7n, d: -3n, e: 100000, f: 1, g: 0.5, h: 42n, i: "0x10", j: "+5", k: "nan", l: "1_000" });
  assert.equal(ev('="8080"'), "8080", "an expression yielding a string stays a string");
});

test("EXPR-10 single-line literal strings have CEL escapes interpreted", () => {
  const out = run(v({ a: "a\\nb", b: "x\\ty", c: "\\\\", d: "\\u00e9", e: "C:\\path", f: `say "hi" 'there'` }));
  assert.deepEqual(out, { a: "a\nb", b: "x\ty", c: "\\", d: "é", e: "C:\\path", f: `say "hi" 'there'` });
});

test("EXPR-11 multi-line literal strings stay verbatim, even with quotes at the end", () => {
  const text = 'line1\\n\nline2 """ end"';
  assert.deepEqual(run(v({ a: text })), { a: text });
});

test("EXPR-12 map keys have escapes interpreted, quotes in keys are accepted", () => {
  assert.deepEqual(run(v({ "a\\tb": 1, 'q"k': 2 })), { "a\tb": 1n, 'q"k': 2n });
});

test("EXPR-13 an empty literal string nested in a structure is the empty string", () => {
  assert.deepEqual(run(v({ a: "", b: [""] })), { a: "", b: [""] });
});

test("EXPR-14 expressions nested in a structure see the same variables", () => {
  const scope = { inputs: v({ n: "x" }), locals: v({ m: 2 }) };
  assert.deepEqual(run(v({ a: { b: ["=inputs.n", "=locals.m * 2"] } }), scope), { a: { b: ["x", 4n] } });
});

test("EXPR-21 a map field holding a non-map fails with Malformed", () => {
  const p = prepareMapBody("=1", "VF:ns:n:spec.locals");
  assert.equal(p.ok, false);
  if (!p.ok) assert.equal(p.outcome.message, "Malformed VF:ns:n:spec.locals, expected a mapping");
  assert.ok(prepareMapBody(v({ a: 1 }), "loc").ok);
});

test("EXPR-40 an error anywhere in a structure fails the whole field", () => {
  const p = prepareBody(v({ a: 1, b: "=1/0" }), "T:spec.return");
  assert.ok(p.ok && p.value);
  const r = p.value.evaluate({});
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.outcome.message ?? "", /^Error evaluating `T:spec.return`/);
});

test("EXPR-66 map key order of literals and inputs is kept in results and macros", () => {
  assert.deepEqual(Object.keys(ev('{"b": 1, "a": 2}') as object), ["b", "a"]);
  assert.deepEqual(ev("inputs.map(k, k)", { inputs: v({ z: 1, a: 2 }) }), ["z", "a"]);
});
