import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateSource, prepareBody, type Scope } from "../../src/expressions/index.ts";
import type { Value } from "../../src/value/value.ts";
import { evErr, inputs, v } from "../support/expressions.ts";

test("EXPR-20 parse errors name line, column, location and text", () => {
  const p = prepareBody(v({ a: "=1 +\n  )" }), "VF:ns:n:spec.return");
  assert.equal(p.ok, false);
  if (!p.ok) {
    assert.match(p.outcome.message ?? "", /^Parsing error at line \d+, column \d+\. '.+' in VF:ns:n:spec.return \('1 \+\n  \)'\)$/s);
  }
});

test("EXPR-23 a structure that cannot be encoded fails with a structural error", () => {
  const p = prepareBody({ a: Symbol("x") as unknown as Value }, "loc");
  assert.equal(p.ok ? "" : p.outcome.message, "Structural error in loc, while building expression 'Error: unsupported value of type symbol'.");
});

test("EXPR-70 evaluation failures are PermFails naming the location, fragment and detail", () => {
  const r = evaluateSource("inputs.a.b + 1", inputs({ a: { c: 1 } }), "VF:ns:n:spec.locals");
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.outcome.kind, "PermFail");
    assert.equal(r.outcome.location, "VF:ns:n:spec.locals");
    assert.match(r.outcome.message ?? "", /^Error evaluating `VF:ns:n:spec.locals` \(at '\.b \+ 1', column 9\) /);
  }
  assert.match(evErr('{"kind": "K"}.to_ref()'), /^Error evaluating `<expression>` .*`external` or `name` are required to build a reference\./);
  for (const e of ["nope", "{}.a", "1.a", '"a" + 1', "1/0", "[1][3]", '{"a": 1, "a": 2}']) assert.match(evErr(e), /^Error evaluating/, e);
});

test("EXPR-70 an unknown variable is an undeclared reference, with the usual prefix and fragment", () => {
  assert.match(evErr("nope"), /^Error evaluating `<expression>` \(at 'nope', column 1\) undeclared reference to 'nope'$/);
  assert.match(evErr("1 + nope.a.b"), /\(at 'nope\.a\.b', column 5\) undeclared reference to 'nope'$/);
  assert.match(evErr("inputs.a", {}), /undeclared reference to 'inputs'/);
  assert.match(evErr("[1].map(x, y)"), /undeclared reference to 'y'/);
  assert.match(evErr("nope[0]"), /undeclared reference to 'nope'/);
});

test("EXPR-70 names inherited by JS objects are not variables", () => {
  for (const name of ["constructor", "toString", "hasOwnProperty"]) {
    assert.match(evErr(name, inputs({})), new RegExp(`undeclared reference to '${name}'`));
  }
});

test("EXPR-71 when several parts fail, one of the errors is reported", () => {
  const p = prepareBody(v({ a: "=1/0", b: "=nope" }), "loc");
  assert.ok(p.ok && p.value);
  const r = p.value.evaluate({});
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.outcome.message ?? "", /divide by zero|nope|unresolved/);
});

test("EXPR-72 an unexpected internal failure is an Unknown failure, never a throw", () => {
  const hostile = Object.defineProperty({}, "inputs", {
    enumerable: true,
    get() {
      throw new Error("boom");
    },
  }) as Scope;
  const r = evaluateSource("inputs.a", hostile, "VF:ns:n:spec.return");
  assert.equal(r.ok ? "" : r.outcome.message, "Unknown failure evaluating `VF:ns:n:spec.return`.");
});
