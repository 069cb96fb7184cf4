import { test } from "node:test";
import assert from "node:assert/strict";
import { compareValues } from "../../src/function-test/compare.ts";
import type { Value } from "../../src/value/value.ts";

const paths = (expected: Value, actual: Value): string[] => compareValues(expected, actual).map((d) => `${d.kind} ${d.path}`);

test("FT-20 maps must have equal key sets: missing and unexpected keys are both reported", () => {
  assert.deepEqual(paths({ spec: { a: 1n, b: 2n } }, { spec: { a: 1n, c: 3n } }), ["missing spec.b", "unexpected spec.c"]);
});

test("FT-20 exact match, not subset: equal trees have no differences", () => {
  assert.deepEqual(compareValues({ a: [1n, { b: "x" }] }, { a: [1n, { b: "x" }] }), []);
});

test("FT-20 lists compare by length first, then element-wise in order", () => {
  const [length] = compareValues({ ports: [1n, 2n] }, { ports: [1n] });
  assert.equal(length?.kind, "length");
  assert.match(length?.detail ?? "", /expected 2 item\(s\), got 1/);
  assert.deepEqual(paths({ ports: [1n, 2n] }, { ports: [2n, 1n] }), ["mismatch ports[0]", "mismatch ports[1]"]);
});

test("FT-20 numbers compare by value (2 = 2.0), booleans only equal booleans, strings never equal numbers", () => {
  assert.deepEqual(compareValues({ n: 2n }, { n: 2.0 }), []);
  assert.deepEqual(paths({ b: true }, { b: 1n }), ["mismatch b"]);
  assert.deepEqual(paths({ s: "5" }, { s: 5n }), ["mismatch s"]);
  assert.deepEqual(paths({ z: null }, { z: false }), ["mismatch z"]);
  assert.deepEqual(compareValues({ z: null }, { z: null }), []);
});

test("FT-20 directive keys are excluded from both key sets", () => {
  assert.deepEqual(compareValues({ a: 1n, "x-koreo-compare-last-applied": ["a"] }, { a: 1n, "x-koreo-compare-as-set": ["q"] }), []);
});

test("FT-20 x-koreo-compare-as-set ignores order and duplicates of scalars", () => {
  const expected = { "x-koreo-compare-as-set": ["tags"], tags: ["a", "b", "b"] };
  assert.deepEqual(compareValues(expected, { tags: ["b", "a"] }), []);
  assert.deepEqual(paths(expected, { tags: ["a", "c"] }), ["set-member-missing tags", "set-member-unexpected tags"]);
});

test("FT-20 x-koreo-compare-as-set on lists of maps cannot be compared", () => {
  const [d] = compareValues({ "x-koreo-compare-as-set": ["xs"], xs: [{ a: 1n }] }, { xs: [{ a: 1n }] });
  assert.equal(d?.detail, "Could not compare array-as-set, try: x-koreo-compare-as-map");
});

test("FT-20 x-koreo-compare-as-map keys list entries by the listed fields", () => {
  const expected = {
    "x-koreo-compare-as-map": { env: ["name"] },
    env: [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ],
  };
  assert.deepEqual(
    compareValues(expected, {
      env: [
        { name: "B", value: "2" },
        { name: "A", value: "1" },
      ],
    }),
    [],
  );
  assert.deepEqual(
    paths(expected, {
      env: [
        { name: "B", value: "3" },
        { name: "C", value: "1" },
      ],
    }),
    ["missing env[A]", "mismatch env[B].value", "unexpected env[C]"],
  );
});

test("FT-20 keys that are not plain names are quoted in paths", () => {
  assert.deepEqual(paths({ metadata: { labels: { "app.kubernetes.io/name": "a" } } }, { metadata: { labels: {} } }), [
    "missing metadata.labels['app.kubernetes.io/name']",
  ]);
});

test("FT-20 a map against a scalar is a mismatch at that path", () => {
  assert.deepEqual(paths({ spec: { a: 1n } }, { spec: "x" }), ["mismatch spec"]);
});
