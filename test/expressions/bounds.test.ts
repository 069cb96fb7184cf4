import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { evaluateSource, prepareBody, prepareOverlay, preparePredicates } from "../../src/expressions/index.ts";
import type { Value } from "../../src/value/value.ts";

const bigList = Array.from({ length: 10_000 }, (_, i) => BigInt(i));

function failsWith(source: string, scope: Record<string, Value>, pattern: RegExp): void {
  const r = evaluateSource(source, scope);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.outcome.message ?? "", pattern);
}

test("EXPR-20 bounds: a 1 MB expression is rejected before parsing", () => {
  failsWith("1+".repeat(500_000) + "1", {}, /expression is 1000001 characters long, the limit is 65536/);
});

test("EXPR-20 bounds: 10 000 nested parentheses are rejected before parsing", () => {
  failsWith("(".repeat(10_000) + "1" + ")".repeat(10_000), {}, /brackets nested 10000 deep/);
});

test("EXPR-20 bounds: long operator chains are rejected instead of overflowing the stack", () => {
  failsWith("1" + "+1".repeat(20_000), {}, /^Expression rejected/);
});

test("EXPR-92 bounds: comprehensions nested four deep over 10 000 items stop on the iteration budget", () => {
  failsWith("l.map(a, l.map(b, l.map(c, l.map(d, 1))))", { l: bigList }, /evaluation budget exceeded/);
});

test("EXPR-93 bounds: a reduce that doubles a list stops on the budget", () => {
  failsWith("l.reduce(acc, x, [1], acc + acc)", { l: bigList.slice(0, 64) }, /evaluation budget exceeded/);
  failsWith("l.reduce(acc, x, 'ab', acc + acc)", { l: bigList.slice(0, 64) }, /evaluation budget exceeded: a string longer than \d+ characters/);
});

test("EXPR-30 bounds: strings that grow geometrically through replace, + or to_json stop on the budget, never on V8's 'Invalid string length'", () => {
  const tenfold = '.replace("a", "aaaaaaaaaa")'.repeat(10);
  for (const source of [
    `"a"${tenfold}`,
    `"x"${'.replace("", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")'.repeat(6)}`,
    "l.reduce(acc, x, ['aaaaaaaaaa'], [acc, acc]).to_json()",
  ]) {
    const r = evaluateSource(source, { l: bigList.slice(0, 30) });
    assert.equal(r.ok, false, source);
    if (!r.ok) {
      assert.match(r.outcome.message ?? "", /evaluation budget exceeded/, source);
      assert.doesNotMatch(r.outcome.message ?? "", /Invalid string length|Maximum call stack/);
    }
  }
});

test("EXPR-92 long lists are still fine within the budget", () => {
  const r = evaluateSource("l.map(x, x * 2).filter(y, y % 3 == 0).size()", { l: bigList });
  assert.deepEqual(r, { ok: true, value: 3334n });
});

const anyValue: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.double(),
    fc.string(),
    fc.string().map((s) => `=${s}`),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie("v"), { maxKeys: 4 }),
  ),
})).v;

const celish = fc.stringMatching(/^[a-z0-9_.()\[\]{}"'+\-*/%<>=!&|?:, ]{0,40}$/);

test("EXPR-70 fuzz: random sources never throw from prepare or evaluate", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), celish), anyValue, (source, input) => {
      const r = evaluateSource(source, { inputs: input, x: input });
      assert.equal(typeof r.ok, "boolean");
    }),
    { numRuns: 400 },
  );
});

test("EXPR-40 fuzz: random structures never throw from any preparer", () => {
  fc.assert(
    fc.property(anyValue, anyValue, (spec, input) => {
      const scope = { inputs: input };
      const body = prepareBody(spec, "loc");
      if (body.ok && body.value) assert.equal(typeof body.value.evaluate(scope).ok, "boolean");
      const ov = prepareOverlay(spec, "loc");
      if (ov.ok && ov.value) assert.equal(typeof ov.value.apply({ a: 1n }, scope).ok, "boolean");
      const pr = preparePredicates(spec, "loc");
      if (pr.ok && pr.value) pr.value.evaluate(scope);
    }),
    { numRuns: 300 },
  );
});
