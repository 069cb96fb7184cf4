import { test } from "node:test";
import assert from "node:assert/strict";
import { compareResource, describeDifference } from "../../src/logic/compare/compare.ts";
import { stripDirectives } from "../../src/logic/compare/directives.ts";
import type { Value } from "../../src/value/value.ts";

function diff(target: Value, live: Value, lastApplied: Value = null): string | undefined {
  const r = compareResource(target, live, lastApplied);
  return r.match ? undefined : describeDifference(r.difference);
}

test("RF-22 first difference is described as a path", () => {
  assert.equal(diff({ spec: { tier: "standard" } }, { spec: { tier: "premium" } }), "'spec' -> 'tier' -> <target:[standard], resource:[premium]>");
});

test("CMP-1 only the target drives the walk: extra live data is ignored", () => {
  assert.equal(diff({ spec: { a: 1n } }, { spec: { a: 1n, b: 2n }, status: { x: 1n } }), undefined);
});

test("CMP-1 a target key missing in the live map is a mismatch, even when the target value is null", () => {
  assert.equal(diff({ spec: { a: 1n } }, { spec: {} }), "'spec' -> <missing 'a' in resource>");
  assert.equal(diff({ spec: { a: null } }, { spec: {} }), "'spec' -> <missing 'a' in resource>");
});

test("CMP-1 a target map against a non-map live value is a mismatch", () => {
  assert.equal(diff({ spec: { a: { b: 1n } } }, { spec: { a: "x" } }), `'spec' -> 'a' -> <target:[{"b":1}], resource:[x]>`);
});

test("CMP-1 ownerReferences and directive keys are never compared", () => {
  const target = { metadata: { ownerReferences: [{ uid: "u" }] }, spec: { "x-koreo-compare-as-set": ["l"], l: [1n] } };
  assert.equal(diff(target, { metadata: {}, spec: { l: [1n] } }), undefined);
});

test("CMP-1 compare-last-applied compares against the annotation, not the live value", () => {
  const target = { spec: { "x-koreo-compare-last-applied": ["replicas"], replicas: 3n } };
  assert.equal(diff(target, { spec: { replicas: 9n } }, { spec: { replicas: 3n } }), undefined);
  assert.equal(diff(target, { spec: { replicas: 3n } }, null), "'spec' -> 'replicas' -> <target:[3], resource:[None]>");
});

test("CMP-1 compare-as-map keys entries by fields, ignores order and extra live entries", () => {
  const target: Value = {
    "x-koreo-compare-as-map": { ports: ["name", "port"] },
    ports: [
      { name: "b", port: 2n, x: "y" },
      { name: "a", port: 1n },
    ],
  };
  const live: Value = {
    ports: [
      { name: "a", port: 1n },
      { name: "c", port: 3n },
      { name: "b", port: 2n, x: "y" },
    ],
  };
  assert.equal(diff(target, live), undefined);
  const changed: Value = {
    ports: [
      { name: "a", port: 1n },
      { name: "b", port: 2n, x: "z" },
    ],
  };
  assert.equal(diff(target, changed), "'ports' -> 'b$2' -> 'x' -> <target:[y], resource:[z]>");
  assert.equal(diff(target, { ports: [{ name: "a", port: 1n }] }), "'ports' -> <missing 'b$2' in resource>");
});

test("CMP-1 compare-as-map: missing key fields render as None, values are trimmed; empty target list is null", () => {
  const target = { "x-koreo-compare-as-map": { env: ["name", "other", ""] }, env: [{ name: " A ", v: 1n }] };
  assert.equal(diff(target, { env: [{ name: " A ", v: 2n }] }), "'env' -> 'A$None' -> 'v' -> <target:[1], resource:[2]>");
  const empty = { "x-koreo-compare-as-map": { env: ["name"] }, env: [] };
  assert.equal(diff(empty, { env: [] }), undefined);
  assert.match(diff(empty, { env: [{ name: "A" }] }) ?? "", /^'env' -> <target:\[None\]/);
});

test("CMP-2 ordered lists: both empty match, length mismatch text, first index reported", () => {
  assert.equal(diff({ l: [] }, { l: null }), undefined);
  assert.equal(diff({ l: [] }, { l: [] }), undefined);
  assert.equal(diff({ l: [1n, 2n] }, { l: [1n] }), "'l' -> <length mismatch target:2, actual:1");
  assert.equal(diff({ l: [1n, 2n] }, { l: [1n, 3n] }), "'l' -> at index '1' -> <target:[2], resource:[3]>");
  assert.equal(diff({ l: [1n] }, { l: "x" }), "'l' -> <target:[[1]], resource:[x]>");
});

test("CMP-3 booleans only equal booleans; numbers compare numerically; strings exactly; null only null", () => {
  assert.match(diff({ a: true }, { a: 1n }) ?? "", /<target:\[True\], resource:\[1\]>/);
  assert.equal(diff({ a: 1n }, { a: 1.0 }), undefined);
  assert.equal(diff({ a: 1.5 }, { a: 1.5 }), undefined);
  assert.match(diff({ a: 1n }, { a: 1.5 }) ?? "", /<target:\[1\], resource:\[1.5\]>/);
  assert.match(diff({ a: "5" }, { a: 5n }) ?? "", /'a'/);
  assert.match(diff({ a: 1n }, { a: null }) ?? "", /resource:\[None\]/);
  assert.equal(diff({ a: null }, { a: null }), undefined);
  assert.match(diff({ a: null }, { a: 0n }) ?? "", /<target:\[None\], resource:\[0\]>/);
});

test("CMP-4 lists as sets: order and duplicates ignored; missing and unexpected members reported", () => {
  const t = (l: Value) => ({ "x-koreo-compare-as-set": ["l"], l });
  assert.equal(diff(t([1n, 2n, 2n]), { l: [2n, 1n] }), undefined);
  assert.equal(diff(t([1n, 2n]), { l: [1n] }), "'l' -> <missing '2'>");
  assert.equal(diff(t([1n]), { l: [1n, "x"] }), "'l' -> <unexpectedly found 'x'>");
  assert.equal(diff(t([]), { l: null }), undefined);
});

test("CMP-4 recommendation: true and 1 are distinct set members; 1 and 1.0 are the same", () => {
  const t = (l: Value) => ({ "x-koreo-compare-as-set": ["l"], l });
  assert.equal(diff(t([true]), { l: [1n] }), "'l' -> <missing 'True'>");
  assert.equal(diff(t([1n]), { l: [1.0] }), undefined);
});

test("CMP-4 sets of maps never match and point at compare-as-map; sets of lists cannot be compared", () => {
  const t = (l: Value) => ({ "x-koreo-compare-as-set": ["l"], l });
  assert.equal(diff(t([{ a: 1n }]), { l: [{ a: 1n }] }), "'l' -> Could not compare array-as-set, try: `x-koreo-compare-as-map`");
  assert.match(diff(t([[1n]]), { l: [[1n]] }) ?? "", /^'l' -> Could not compare array-as-set \(/);
});

test("CMP-5 last-applied is threaded down through maps, lists and as-map entries", () => {
  const target = {
    spec: {
      items: [{ "x-koreo-compare-last-applied": ["v"], v: "a" }],
      "x-koreo-compare-as-map": { named: ["name"] },
      named: [{ name: "n", "x-koreo-compare-last-applied": ["w"], w: 1n }],
    },
  };
  const live = { spec: { items: [{ v: "changed" }], named: [{ name: "n", w: 99n }] } };
  const applied = { spec: { items: [{ v: "a" }], named: [{ name: "n", w: 1n }] } };
  assert.equal(diff(target, live, applied), undefined);
  assert.equal(diff(target, live, null), "'spec' -> 'items' -> at index '0' -> 'v' -> <target:[a], resource:[None]>");
});

test("RF-18 directive keys are stripped at every level, inside lists too", () => {
  const spec = { "x-koreo-compare-as-set": ["a"], a: [{ "x-koreo-compare-as-map": {}, b: 1n }], c: { "x-koreo-compare-last-applied": [] } };
  assert.deepEqual(stripDirectives(spec), { a: [{ b: 1n }], c: {} });
});
