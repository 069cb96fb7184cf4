import { test } from "node:test";
import assert from "node:assert/strict";
import { prepareBody, prepareOverlay, preparePredicates } from "../../src/expressions/index.ts";
import type { Outcome } from "../../src/outcome/outcome.ts";
import type { ValueMap } from "../../src/value/value.ts";
import { inputs, v } from "../support/expressions.ts";

function overlay(spec: unknown, base: unknown): unknown {
  const p = prepareOverlay(v(spec), "VF:ns:n:spec.return");
  if (!p.ok || p.value === undefined) assert.fail("overlay did not prepare");
  const r = p.value.apply(v(base) as ValueMap, {});
  if (!r.ok) assert.fail(r.outcome.message);
  return r.value;
}

test("EXPR-41 overlay: descend into literal maps, leaves replace, new keys appended", () => {
  const base = { a: { c: 2 }, d: 3 };
  assert.deepEqual(overlay({ a: { b: "=1" } }, base), { a: { c: 2n, b: 1n }, d: 3n });
  assert.deepEqual(overlay({ a: {} }, base), { a: {}, d: 3n });
  assert.deepEqual(overlay({ a: "={'x': 1}" }, base), { a: { x: 1n }, d: 3n });
  assert.deepEqual(overlay({ a: "=resource.a.c + 1" }, base), { a: 3n, d: 3n });
  assert.deepEqual(overlay({ "a.b": 1, d: { e: [1] } }, base), { a: { c: 2n }, d: { e: [1n] }, "a.b": 1n });
  const bad = prepareOverlay("=1", "VF:ns:n:spec.return");
  assert.equal(bad.ok ? "" : bad.outcome.message, "Malformed VF:ns:n:spec.return, expected a mapping");
  const failing = prepareOverlay(v({ a: "=1/0", b: 1 }), "loc");
  assert.ok(failing.ok && failing.value);
  assert.equal(failing.value.apply({}, {}).ok, false);
});

test("EXPR-42 the overlay base is never mutated; resource binding wins over the caller's", () => {
  const base = v({ a: { c: 2 } }) as ValueMap;
  const p = prepareOverlay(v({ a: { b: "=resource.a.c" } }), "loc");
  assert.ok(p.ok && p.value);
  const r = p.value.apply(base, { resource: v({ a: { c: 99 } }) });
  assert.ok(r.ok);
  assert.deepEqual(r.value, { a: { c: 2n, b: 2n } });
  assert.deepEqual(base, { a: { c: 2n } });
});

function messageOf(o: Outcome | undefined): string | undefined {
  return o !== undefined && o.kind !== "Ok" ? o.message : undefined;
}

function predicates(spec: unknown, scope = {}): Outcome | undefined {
  const p = preparePredicates(v(spec), "VF:ns:n:spec.preconditions");
  if (!p.ok || p.value === undefined) assert.fail("predicates did not prepare");
  return p.value.evaluate(scope);
}

test("EXPR-50 a non-list condition spec is malformed; outcome values may hold expressions", () => {
  const p = preparePredicates(v({ assert: true }), "loc");
  assert.equal(p.ok ? "" : p.outcome.message, "Malformed conditions, expected a list");
  const o = predicates([{ assert: "=inputs.x > 5", skip: { message: '="too small: " + string(inputs.x)' } }], inputs({ x: 3 }));
  assert.deepEqual(o, { kind: "Skip", message: "too small: 3", location: "VF:ns:n:spec.preconditions" });
});

test("EXPR-51 every assert is evaluated and must be boolean", () => {
  assert.equal(predicates([{ assert: "=true", skip: { message: "x" } }]), undefined);
  for (const spec of [
    [{ assert: 1, skip: { message: "m" } }],
    [{ assert: "text", skip: { message: "m" } }],
    [{ skip: { message: "m" } }],
    [
      { assert: false, skip: { message: "m" } },
      { assert: "=1/0", ok: {} },
    ],
  ]) {
    const o = predicates(spec);
    assert.equal(o?.kind, "PermFail", JSON.stringify(spec));
    assert.match(o?.message ?? "", /^Error evaluating `VF:ns:n:spec.preconditions`/);
  }
  assert.equal(predicates([{ assert: true, skip: { message: "=1/0" } }]), undefined, "OUT-6: a passing entry's message is not evaluated");
  assert.equal(
    predicates([
      { assert: false, skip: { message: "a" } },
      { assert: false, skip: { message: "=1/0" } },
    ])?.kind,
    "PermFail",
  );
});

test("EXPR-52 the first false item decides the outcome", () => {
  const loc = "VF:ns:n:spec.preconditions";
  assert.equal(
    predicates([
      { assert: false, ok: {} },
      { assert: false, permFail: { message: "x" } },
    ]),
    undefined,
  );
  assert.deepEqual(
    predicates([
      { assert: true, skip: { message: "no" } },
      { assert: false, depSkip: { message: "d" } },
      { assert: false, skip: { message: "s" } },
    ]),
    { kind: "DepSkip", message: "d", location: loc },
  );
  assert.deepEqual(predicates([{ assert: false, skip: { message: "s" } }]), { kind: "Skip", message: "s", location: loc });
  assert.deepEqual(predicates([{ assert: false, permFail: { message: "p" } }]), { kind: "PermFail", message: "p", location: loc });
  assert.deepEqual(predicates([{ assert: false, retry: { message: "r", delay: 30 } }]), { kind: "Retry", delay: 30, message: "r", location: loc });
  assert.deepEqual(predicates([{ assert: false, retry: { message: "r", delay: "=string(45)" } }]), { kind: "Retry", delay: 45, message: "r", location: loc });
  for (const spec of [
    { assert: false, bogus: {} },
    { assert: false, skip: "x" },
    { assert: false, retry: { message: "m" } },
    { assert: false, skip: {} },
  ]) {
    const o = predicates([spec]);
    assert.equal(o?.kind, "PermFail");
    assert.match(o?.message ?? "", /^Unknown predicate type: /);
  }
});

test("EXPR-53 non-string messages are rendered as text", () => {
  assert.equal(messageOf(predicates([{ assert: false, skip: { message: 5 } }])), "5");
  assert.equal(messageOf(predicates([{ assert: false, skip: { message: "=true" } }])), "True");
  assert.equal(messageOf(predicates([{ assert: false, skip: { message: "=1.5" } }])), "1.5");
});

test("EXPR-73 a non-integer retry delay yields a PermFail naming the location", () => {
  const o = predicates([{ assert: false, retry: { message: "m", delay: 30.5 } }]);
  assert.equal(o?.kind, "PermFail");
  assert.match(o?.message ?? "", /^Error evaluating `VF:ns:n:spec.preconditions`: /);
});

test("EXPR-74 preparation failures are PermFails of the construct and nothing runs", () => {
  const p = prepareBody(v({ ok: "=1", bad: "=1 +" }), "RF:ns:n:spec.locals");
  assert.equal(p.ok, false);
  if (!p.ok) {
    assert.equal(p.outcome.kind, "PermFail");
    assert.equal(p.outcome.location, "RF:ns:n:spec.locals");
  }
});
