/**
 * EXPR-90: has() over a chain of field selections and constant indexes from a
 * variable walks the value (library/presence.ts) instead of evaluating the chain
 * and catching its error. These tests hold the walk to the general path.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { IdAllocator, type Expr } from "../../src/expressions/ast.ts";
import { parseSource } from "../../src/expressions/compile.ts";
import { evaluateSource, type Scope } from "../../src/expressions/index.ts";
import { rewriteLeaf } from "../../src/expressions/rewrite.ts";
import type { Value } from "../../src/value/value.ts";
import { ev, inputs } from "../support/expressions.ts";

/** Function names in the rewritten tree of `source`, to tell which path a has() took. */
function calledFunctions(source: string): Set<string> {
  const parsed = parseSource(source, "test");
  assert.ok(parsed.ok);
  const ctx = {
    ids: new IdAllocator(),
    positions: new Map(),
    maxDepth: 1000,
    fastHas: true,
    usedFastHas: false,
    usedComparison: false,
    insideHas: 0,
    scope: [],
  };
  const names = new Set<string>();
  const visit = (e: Expr | undefined): void => {
    const k = e?.exprKind;
    if (k?.case === "callExpr") {
      names.add(k.value.function);
      visit(k.value.target);
      k.value.args.forEach(visit);
    } else if (k?.case === "selectExpr") visit(k.value.operand);
    else if (k?.case === "listExpr") k.value.elements.forEach(visit);
    else if (k?.case === "comprehensionExpr") [k.value.iterRange, k.value.accuInit, k.value.loopStep, k.value.result].forEach(visit);
  };
  visit(rewriteLeaf(parsed.parsed.expr, parsed.parsed.source, parsed.parsed.offsets, ctx));
  return names;
}

const takesFastPath = (source: string): boolean => [...calledFunctions(source)].some((f) => f.startsWith("@koreo_absent"));

/** The outcome as comparable data: the value, or that it failed. */
function outcome(source: string, scope: Scope): unknown {
  const r = evaluateSource(source, scope);
  return r.ok ? { value: r.value } : { failed: true };
}

const KEYS = ["a", "b", "0", "1", "é"];

const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -3n, max: 3n }),
    fc.double({ min: -2, max: 2 }),
    fc.constantFrom("", "ab", "é😀x"),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("v"), { maxKeys: 4 }),
  ),
})).v;

/** One step of a chain as CEL text: selections, string keys and every kind of constant index. */
const segment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(".a", ".b"),
  fc.constantFrom(...KEYS).map((k) => `[${JSON.stringify(k)}]`),
  fc.integer({ min: -3, max: 3 }).map((i) => `[${i}]`),
  fc.integer({ min: 0, max: 3 }).map((i) => `[${i}u]`),
  fc.constantFrom("[1.0]", "[0.5]", "[true]", "[null]"),
);

/** `has(c)`, its negation, and `has(c) ? c : "d"` — each use of has() the rewriter treats apart. */
const uses = (chain: string): string => `[has(${chain}), !has(${chain}), has(${chain}) ? ${chain} : "d"]`;

test("EXPR-90 property: the has() walk agrees with evaluating the chain, for random values and chains", () => {
  fc.assert(
    fc.property(value, fc.array(segment, { minLength: 1, maxLength: 5 }), fc.constantFrom("x", "nope", "item"), (bound, steps, root) => {
      const path = steps.join("");
      // `dyn(root)` is a call, not a variable, so its chain keeps the general path.
      const [fast, general] =
        root === "item"
          ? [`[x].map(item, ${uses(`item${path}`)})`, `[x].map(item, ${uses(`dyn(item)${path}`)})`]
          : [uses(`${root}${path}`), uses(`dyn(${root})${path}`)];
      assert.ok(takesFastPath(fast), fast);
      assert.ok(!takesFastPath(general), general);
      assert.deepEqual(
        outcome(fast, { x: bound }),
        outcome(general, { x: bound }),
        `${fast} with x = ${JSON.stringify(bound, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))}`,
      );
    }),
    { numRuns: 1500 },
  );
});

test("EXPR-90 fast path: present null is true, selecting into null, scalars or lists is false", () => {
  const scope = inputs({ a: null, n: 5, s: "x", l: [1], m: { k: null } });
  assert.ok(takesFastPath("has(inputs.a)"));
  assert.deepEqual(ev("[has(inputs.a), has(inputs.m.k), has(inputs['m']['k'])]", scope), [true, true, true]);
  assert.deepEqual(ev("[has(inputs.a.b), has(inputs.n.b), has(inputs.s.b), has(inputs.l.b), has(inputs.m.k.z), has(inputs.zz)]", scope), [
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
});

test("EXPR-90 fast path: list and string indexes, counting from the end, as evaluation does (EXPR-86/87)", () => {
  const scope = inputs({ l: [10, 20], s: "é😀", m: { "1": true } });
  assert.ok(takesFastPath("has(inputs.l[0])"));
  assert.deepEqual(ev("[has(inputs.l[1]), has(inputs.l[-2]), has(inputs.l[1u]), has(inputs.s[1]), has(inputs.s[-2])]", scope), [true, true, true, true, true]);
  assert.deepEqual(ev("[has(inputs.l[2]), has(inputs.l[-3]), has(inputs.l[0.0]), has(inputs.s[2]), has(inputs.m[1]), has(inputs.l['0'])]", scope), [
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
});

test("EXPR-90 fast path: an unbound root is false, directly and as a ternary condition", () => {
  assert.ok(takesFastPath("has(steps.a.b) ? steps.a.b : 0"));
  assert.deepEqual(ev("[has(steps.a), has(steps.a.b) ? steps.a.b : 0, !has(steps.a[0])]", { parent: null }), [false, 0n, true]);
});

test("EXPR-90 fast path: has(c) ? c : d yields c's own value, null included", () => {
  const scope = inputs({ a: null, m: { k: [1, { z: "deep" }] } });
  assert.equal(ev("has(inputs.a) ? inputs.a : 1", scope), null);
  assert.deepEqual(ev("has(inputs.m.k) ? inputs['m'].k : []", scope), [1n, { z: "deep" }]);
  assert.equal(ev("has(inputs.m.k[-1].z) ? inputs.m.k[-1].z : 'd'", scope), "deep");
  assert.equal(ev("has(inputs.m.k[2].z) ? inputs.m.k[2].z : 'd'", scope), "d");
});

test("EXPR-90 fast path: timestamps, bytes, uints and types step as the library does", () => {
  const scope = { t: "2024-01-01T00:00:00Z" };
  const values = ["[timestamp(t)]", '[b"ab"]', "[1u]", "[int]", "[duration('5s')]"];
  const chains = [".seconds", ".nanos", ".nope", "[0]", '["seconds"]', ".seconds.x"];
  for (const list of values) {
    for (const chain of chains) {
      const fast = `${list}.map(v, ${uses(`v${chain}`)})`;
      assert.ok(takesFastPath(fast), fast);
      assert.deepEqual(outcome(fast, scope), outcome(`${list}.map(v, ${uses(`dyn(v)${chain}`)})`, scope), fast);
    }
  }
  assert.deepEqual(ev("[timestamp(t)].map(v, [has(v.seconds), has(v.nope)])", scope), [[true, false]]);
});

test("EXPR-90 qualified names: a chain naming a protobuf type keeps the general path", () => {
  assert.ok(!takesFastPath("has(google.protobuf.Timestamp)"));
  assert.equal(ev("has(google.protobuf.Timestamp)"), true);
  assert.equal(ev("has(google.protobuf.Nope)"), false);
});

test("EXPR-90 dotted bindings: `a.b` bound by name is found before walking `a`, as evaluation does", () => {
  const scope = { "a.b": { c: 1n }, a: {} };
  assert.ok(takesFastPath("has(a.b.c) ? a.b.c : 0"));
  assert.deepEqual(ev("[has(a.b.c), has(a.b.c) ? a.b.c : 0, has(a.b.d)]", scope), [true, 1n, false]);
});

test("EXPR-90 chains longer than the fast path's overloads keep the general path", () => {
  const deep = { a: { a: { a: { a: { a: { a: { a: { a: { a: null } } } } } } } } };
  const chain = "inputs.a.a.a.a.a.a.a.a.a";
  assert.ok(!takesFastPath(`has(${chain})`));
  assert.deepEqual(ev(`[has(${chain}), has(${chain}.a)]`, inputs(deep)), [true, false]);
  assert.ok(takesFastPath("has(inputs.a.a.a.a.a.a.a.a)"));
});
