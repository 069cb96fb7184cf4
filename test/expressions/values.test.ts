import { test } from "node:test";
import assert from "node:assert/strict";
import type { Scope } from "../../src/expressions/index.ts";
import { ev, evErr, inputs, v } from "../support/expressions.ts";

test("EXPR-60 JSON ints are CEL ints and doubles stay doubles", () => {
  const scope = inputs({ i: 3, d: 1.5, s: "x", b: true, n: null, l: [1], m: { a: 1 } });
  assert.equal(ev("inputs.i + 1", scope), 4n);
  assert.equal(ev("type(inputs.d) == double && type(inputs.i) == int", scope), true);
  assert.equal(ev("inputs.i == 9223372036854775807", { inputs: { i: 9223372036854775807n } }), true);
});

test("EXPR-61 whole-number doubles from the API may arrive as ints and still compute", () => {
  assert.equal(ev("inputs.x * 2", inputs({ x: 2 })), 4n);
  assert.equal(ev("inputs.x * 2", { inputs: { x: 2.5 } }), 5);
});

test("EXPR-62 results convert back: uint→int, bytes→base64, int keys→text", () => {
  assert.equal(ev("42u"), 42n);
  assert.equal(ev('b"abc"'), "YWJj");
  assert.deepEqual(ev('{1: "a", true: "b"}'), { "1": "a", true: "b" });
  assert.deepEqual(ev("[1, null, 'x']"), [1n, null, "x"]);
});

test("EXPR-63 whole-number doubles keep the double type for further CEL use", () => {
  assert.equal(ev("3.0"), 3);
  assert.equal(ev("type(inputs.x) == double", { inputs: v({ x: ev("3.0") }) }), false, "plain JS 3 becomes an int through fromPlain");
  assert.equal(ev("type(inputs.x) == double", { inputs: { x: ev("3.0") } }), true, "the engine's number value stays a double");
});

test("EXPR-64 a non-finite double in a result is a PermFail", () => {
  assert.match(evErr("1.0/0.0"), /non-finite number/);
  assert.match(evErr('[double("inf")]'), /non-finite/);
});

test("EXPR-65 a type value cannot be returned, only compared", () => {
  assert.match(evErr("type(1)"), /^Error evaluating/);
  assert.equal(ev("type(1) == int"), true);
});

test("EXPR-66 map key order: insertion order, except array-index keys first (documented in value.ts)", () => {
  assert.deepEqual(Object.keys(ev('{"b": 1, "a": 2, "01": 3, "-1": 4, "1.5": 5, "4294967295": 6}') as object), ["b", "a", "01", "-1", "1.5", "4294967295"]);
  assert.deepEqual(ev('{"b": 1, "2": 2, "1": 3}.map(k, k)'), ["b", "2", "1"], "within one evaluation a CEL map keeps insertion order");
  const converted = ev('{"b": 1, "10": 2, "a": 3, "2": 4, "4294967294": 5}') as object;
  assert.deepEqual(Object.keys(converted), ["2", "10", "4294967294", "b", "a"], "the limitation: array-index keys first, ascending");
  const fromInput: Scope = {
    inputs: {
      m: Object.fromEntries([
        ["b", 1n],
        ["1", 2n],
      ]),
    },
  };
  assert.deepEqual(ev("inputs.m.map(k, k)", fromInput), ["1", "b"]);
  for (let i = 0; i < 3; i++) assert.deepEqual(Object.keys(ev('{"z": 0, "3": 1, "y": 2, "0": 3}') as object), ["0", "3", "z", "y"], "deterministic");
});
