import { test } from "node:test";
import assert from "node:assert/strict";
import { prepareBody } from "../../src/expressions/index.ts";
import { ev, evErr, inputs, v } from "../support/expressions.ts";

test("EXPR-22 unknown variables and functions fail at evaluation, not preparation", () => {
  const p = prepareBody("=nope.x + nofn(1)", "loc");
  assert.ok(p.ok && p.value);
  assert.equal(p.value.evaluate({}).ok, false);
  assert.match(evErr("nofn(1)"), /^Error evaluating/);
});

test("EXPR-24 a number literal followed by . is a double (1.flatten() does not parse)", () => {
  const p = prepareBody("=1.flatten()", "loc");
  assert.equal(p.ok && p.value !== undefined && p.value.evaluate({}).ok, false);
});

test("EXPR-30 the caller's variables are bound by name", () => {
  const scope = { inputs: v({ a: 1 }), locals: v({ b: 2 }), steps: v({ s: { c: 3 } }), item: v(4) };
  assert.equal(ev("inputs.a + locals.b + steps.s.c + item", scope), 10n);
});

test("EXPR-31 receiver and global forms are identical, also for standard string functions", () => {
  assert.equal(ev('matches("hello", "^h")'), true);
  assert.equal(ev('contains("hello", "ell") && startsWith("hello", "he") && endsWith("hello", "lo")'), true);
  assert.equal(ev('lower("ÉCOLE")'), ev('"ÉCOLE".lower()'));
  assert.deepEqual(ev('split("a.b", ".")'), ["a", "b"]);
  assert.equal(ev('getFullYear(timestamp("2024-01-02T00:00:00Z"))'), 2024n);
});

test("EXPR-32 wrong argument types or counts are evaluation errors", () => {
  assert.match(evErr('"a".lower(1)'), /overload/);
  assert.match(evErr("size(1, 2)"), /overload/);
});

test("EXPR-80 int, uint and double literals and their limits", () => {
  assert.equal(ev("0x10"), 16n);
  assert.equal(ev("-9223372036854775808"), -9223372036854775808n);
  assert.equal(ev("18446744073709551615u"), 18446744073709551615n);
  assert.equal(ev(".5"), 0.5);
  assert.match(evErr("9223372036854775808"), /^Error evaluating/);
  assert.match(evErr("18446744073709551616u"), /^Error evaluating/);
});

test("EXPR-81 integer arithmetic truncates, overflows and divides by zero as errors", () => {
  assert.equal(ev("-7 / 2"), -3n);
  assert.equal(ev("5 / -2"), -2n);
  assert.equal(ev("-7 % 3"), -1n);
  assert.equal(ev("7 % -3"), 1n);
  assert.equal(ev("0.1 + 0.2"), 0.30000000000000004);
  for (const e of ["1 / 0", "1 % 0", "9223372036854775807 + 1", "-9223372036854775808 / -1", "5u - 6u", "5.0 % 2.0"]) {
    assert.match(evErr(e), /^Error evaluating/, e);
  }
  assert.equal(ev("1 + 2 * 3 > 6 && !false ? 'y' : 'n'"), "y");
});

test("EXPR-82 int and double mix in both orders, promoting to double", () => {
  assert.equal(ev("2.0 * 3"), 6);
  assert.equal(ev("1.0 - 3"), -2);
  assert.equal(ev("1 + 1.0"), 2);
  assert.equal(ev("3 - 1.0"), 2);
  assert.equal(ev("inputs.ratio * 2", { inputs: { ratio: 1.5 } }), 3);
  assert.equal(ev("type(1 + 1.0) == double"), true);
});

test("EXPR-83 equality follows current CEL across types; ordering same-typed", () => {
  assert.equal(ev("1 == 1.0"), true);
  assert.equal(ev("1u == 1"), true);
  assert.equal(ev('"1" == 1'), false);
  assert.equal(ev("1 == null"), false);
  assert.equal(ev("inputs.a != null", inputs({ a: 1 })), true);
  assert.equal(ev('[1, 2] == [1, 2] && {"a": 1} == {"a": 1} && null == null'), true);
  assert.equal(ev('"B" < "a" && false < true'), true);
  assert.match(evErr("[1] < [2]"), /^Error evaluating/);
});

test("EXPR-84 && and || short-circuit and absorb errors; ternary needs a bool", () => {
  assert.equal(ev("false && 1/0 == 1"), false);
  assert.equal(ev("1/0 == 1 && false"), false);
  assert.equal(ev("true || 1/0 == 1"), true);
  assert.equal(ev("1/0 == 1 || true"), true);
  assert.equal(ev('true ? "a" : 1/0'), "a");
  assert.match(evErr("!1"), /^Error evaluating/);
  assert.match(evErr("1 ? 2 : 3"), /^Error evaluating/);
});

test("EXPR-85 null is its own type; selecting on null fails; size(null) is 0", () => {
  assert.match(evErr("inputs.a.b", inputs({ a: null })), /^Error evaluating/);
  assert.equal(ev("size(null)"), 0n);
  assert.equal(ev("null.size()"), 0n);
});

test("EXPR-86 string operations", () => {
  assert.equal(ev('size("héllo")'), 5n);
  assert.equal(ev('"abc".contains("") && "abc".startsWith("") && "abc".endsWith("")'), true);
  assert.equal(ev('"xhello".matches("h.l")'), true);
  assert.equal(ev('"hello".matches("^h.l$")'), false);
  assert.match(evErr('"a" + 1'), /^Error evaluating/);
  assert.equal(ev("r'a\\n' + '''x'''"), "a\\nx");
});

test("EXPR-87 lists and maps: index, membership, concatenation, duplicate keys", () => {
  assert.equal(ev("[1, 2, 3][1u]"), 2n);
  assert.equal(ev('{"a": 1}["a"] + {"a": 1}.a'), 2n);
  assert.deepEqual(ev("[1] + [2]"), [1n, 2n]);
  assert.equal(ev('2 in [1, 2] && "a" in {"a": null} && [1, 2, 3].contains(2)'), true);
  for (const e of ["[1][5]", '{"a": 1}.b', '{"a": 1, "a": 2}', '{"a": 1} + {"b": 2}']) {
    assert.match(evErr(e), /^Error evaluating/, e);
  }
});

test("EXPR-87 a double index on a list is an error, even an integral one", () => {
  assert.match(evErr("[1][0.0]"), /^Error evaluating .*index must be an int or uint, got double 0\.0/);
  assert.match(evErr("[1, 2][0.5]"), /^Error evaluating/);
  assert.match(evErr("inputs.l[inputs.d]", { inputs: { l: [1n], d: 0 } }), /got double/);
  assert.match(evErr("[1, 2][true]"), /no matching overload/);
  assert.equal(ev('{1: "a"}[1.0]'), "a", "map lookups keep CEL's numeric key equality");
  assert.match(evErr('{1: "a"}[2]'), /no such key: 2/);
});

test("EXPR-87 (optional quirk) negative list indexes count from the end", () => {
  assert.equal(ev("[1, 2, 3][-1]"), 3n);
  assert.equal(ev("[1, 2, 3][-3]"), 1n);
  assert.equal(ev("inputs.l[inputs.i]", inputs({ l: [1, 2], i: -2 })), 1n);
  assert.match(evErr("[1, 2, 3][-4]"), /list index -4 out of range \(size 3\)/);
  assert.match(evErr("[1, 2, 3][3]"), /list index 3 out of range/);
});

test("EXPR-86 (optional quirks) strings index by code point and `in` tests substrings", () => {
  assert.equal(ev('"abc"[0]'), "a");
  assert.equal(ev('"abc"[-1]'), "c");
  assert.equal(ev('"héllo"[1] + "😀x"[1]'), "éx");
  assert.match(evErr('"abc"[3]'), /string index 3 out of range/);
  assert.equal(ev('"a" in "abc" && "bc" in "abc" && "" in "abc"'), true);
  assert.equal(ev('"x" in "abc"'), false);
  assert.match(evErr('1 in "abc"'), /^Error evaluating/);
});

test("EXPR-88 conversions follow the reference's Python behaviour", () => {
  const cases: Array<[string, unknown]> = [
    ["int(4.9)", 5n],
    ["int(-4.9)", -5n],
    ["int(9.5)", 10n],
    ["int(10.5)", 10n],
    ["int(-0.5)", 0n],
    ["int(2.5)", 2n],
    ['int(" 42 ")', 42n],
    ["int(42u)", 42n],
    ["uint(3.7)", 4n],
    ['double("1.5")', 1.5],
    ["double(2)", 2],
    ["string(1.5)", "1.5"],
    ["string(3.0)", "3.0"],
    ["string(1e20)", "1e+20"],
    ["string(1e-5)", "1e-05"],
    ["string(-0.0)", "-0.0"],
    ["string(true)", "True"],
    ["string(false)", "False"],
    ["string(null)", "None"],
    ["string(12)", "12"],
    ['string(b"hi")', "hi"],
    ['bytes("é")', "w6k="],
    ['bool("true")', true],
    ['type("a") == string', true],
    ["dyn(3)", 3n],
    ["type([]) == list && type({}) == map && type(null) == null_type && type(1u) == uint && type(b'') == bytes", true],
  ];
  for (const [e, want] of cases) assert.deepEqual(ev(e), want, e);
  for (const e of ['int("4.2")', 'int(" ")', "int(1e19)", "uint(-1)", 'double("abc")', "string([1])", 'string({"a": 1})']) {
    assert.match(evErr(e), /^Error evaluating/, e);
  }
});

test("EXPR-90 has() is true iff evaluating its argument does not fail", () => {
  const scope = inputs({ a: null, x: 5, list: [1] });
  assert.equal(ev("has(inputs.a)", scope), true);
  assert.equal(ev("has(inputs.b)", scope), false);
  assert.equal(ev("has(inputs.b.c)", scope), false);
  assert.equal(ev("has(inputs.x.y)", scope), false);
  assert.equal(ev("has(inputs.a.y)", scope), false);
  assert.equal(ev("has(inputs.a)", {}), false);
  assert.equal(ev('has(inputs["x"])', scope), true);
  assert.equal(ev("has(inputs.list[5])", scope), false);
  assert.equal(ev("has(1/0)"), false);
});

test("EXPR-90 has() still holds over rewritten indexes and undeclared variables", () => {
  const scope = inputs({ list: [1], m: { "1": "x" } });
  assert.equal(ev("has(inputs.list[0]) && has(inputs.list[-1])", scope), true);
  assert.equal(ev("has(inputs.list[1]) || has(inputs.list[0.0]) || has(nope) || has(nope.a.b)", scope), false);
  assert.equal(ev('has(inputs.m["1"]) && !has(inputs.m[1])', scope), true);
});

test("EXPR-90 has() as a ternary condition or negated keeps its meaning", () => {
  const scope = inputs({ a: null, x: 5, list: [1] });
  assert.equal(ev("has(inputs.a) ? 1 : 2", scope), 1n);
  assert.equal(ev('has(inputs.x.y) ? inputs.x.y : "d"', scope), "d");
  assert.equal(ev("has(inputs.list[0]) ? inputs.list[0] : 0", scope), 1n);
  assert.equal(ev("has(1/0) ? 1 : 2"), 2n);
  assert.deepEqual(ev("[!has(inputs.a), !has(inputs.b), !has(1/0), !!has(inputs.a)]", scope), [false, true, true, true]);
  assert.match(evErr("has(inputs.a) ? 1/0 : 2", scope), /^Error evaluating/);
});

test("EXPR-91 all / exists / exists_one with CEL error absorption", () => {
  assert.equal(ev("[].all(x, x > 0)"), true);
  assert.equal(ev("[0, 5].all(x, 1 / x > 1)"), false);
  assert.match(evErr("[1, 0].all(x, 1 / x > 0 || x == 5)"), /^Error evaluating/);
  assert.equal(ev("[].exists(x, x > 0)"), false);
  assert.equal(ev("[0, 1].exists(x, 1 / x == 1)"), true);
  assert.match(evErr("[0].exists(x, 1 / x == 1)"), /^Error evaluating/);
  assert.equal(ev("[1, 2, 3].exists_one(x, x > 2)"), true);
  assert.equal(ev("[1, 2, 3].exists_one(x, x > 1)"), false);
});

test("EXPR-92 map/filter, map receivers iterate keys, chaining, three-argument map", () => {
  assert.deepEqual(ev('{"a": 1, "b": 2}.map(k, k)'), ["a", "b"]);
  assert.deepEqual(ev("[1, 2, 3].map(x, x * 2).filter(y, y > 2)"), [4n, 6n]);
  assert.deepEqual(ev("[1, 2, 3].map(x, x > 1, x * 10)"), [20n, 30n]);
  assert.match(evErr("[1, 0].map(x, 1 / x)"), /^Error evaluating/);
  assert.match(evErr("[1].filter(x, 1 / 0 == 1)"), /^Error evaluating/);
  assert.deepEqual(ev("[1, 2].map(a, [1, 2].map(b, a * b))"), [
    [1n, 2n],
    [2n, 4n],
  ]);
});

test("EXPR-93 reduce folds with an accumulator", () => {
  assert.equal(ev("[1, 2, 3, 4].reduce(acc, x, 0, acc + x)"), 10n);
  assert.deepEqual(ev("[1, 2].reduce(acc, x, [], acc + [x * 2])"), [2n, 4n]);
});

test("EXPR-93 (optional) min returns the smallest element", () => {
  assert.equal(ev("[3, 1, 2].min()"), 1n);
  assert.equal(ev("[2.5, 3, 1u].min()"), 1n);
  assert.equal(ev("[2.5, 3].min()"), 2.5);
  assert.equal(ev('["b", "a", "B"].min()'), "B");
  assert.match(evErr("[].min()"), /min: empty list/);
  assert.match(evErr('[1, "a"].min()'), /min: cannot compare/);
  assert.match(evErr("[[1]].min()"), /cannot be ordered/);
});

test("EXPR-94 timestamps and durations parse, combine and expose accessors", () => {
  assert.equal(ev('timestamp("2024-01-02T03:04:05Z") + duration("1h30m")'), "2024-01-02T04:34:05Z");
  assert.equal(ev('timestamp("2024-01-02T03:04:05+02:00")'), "2024-01-02T03:04:05+02:00", "EXPR-104 keeps the written offset");
  assert.equal(ev('timestamp("2024-01-02T03:04:05+02:00").getHours()'), 1n, "accessors read UTC");
  assert.equal(ev('timestamp("2024-01-02T03:04:05+02:00") + duration("1h")'), "2024-01-02T04:04:05+02:00");
  assert.equal(ev('timestamp("2024-01-02")'), "2024-01-02T00:00:00Z");
  assert.equal(ev('timestamp("2024-01-02T03:04:05")'), "2024-01-02T03:04:05Z");
  assert.equal(ev('timestamp("2024-01-03T00:00:00Z") - timestamp("2024-01-02T00:00:00Z")'), "86400s");
  assert.equal(ev('duration("1d")'), "86400s");
  assert.equal(ev('timestamp("2024-01-02T00:00:00Z") < timestamp("2024-01-03T00:00:00Z")'), true);
  const ts = 'timestamp("2024-03-05T06:07:08.009Z")';
  const acc = [
    "getFullYear",
    "getMonth",
    "getDate",
    "getDayOfMonth",
    "getDayOfWeek",
    "getDayOfYear",
    "getHours",
    "getMinutes",
    "getSeconds",
    "getMilliseconds",
  ];
  assert.deepEqual(
    acc.map((a) => ev(`${ts}.${a}()`)),
    [2024n, 2n, 5n, 4n, 2n, 64n, 6n, 7n, 8n, 9n],
  );
  assert.equal(ev(`${ts}.getHours("Europe/Paris")`), 7n);
  assert.equal(ev(`int(${ts})`), 1709618828n);
});

test("EXPR-95 timestamps print as RFC 3339 UTC without fractional seconds", () => {
  assert.equal(ev('string(timestamp("2024-01-02T03:04:05.678Z"))'), "2024-01-02T03:04:05Z");
  assert.deepEqual(ev('[timestamp("2024-01-02T03:04:05.678Z")]'), ["2024-01-02T03:04:05Z"]);
});

test("EXPR-96 durations print as whole seconds truncated toward zero", () => {
  const cases: Array<[string, string]> = [
    ['duration("1h")', "3600s"],
    ['duration("1.5s")', "1s"],
    ['duration("100ms")', "0s"],
    ['duration("-1m30s")', "-90s"],
  ];
  for (const [e, want] of cases) {
    assert.equal(ev(e), want, e);
    assert.equal(ev(`string(${e})`), want, e);
  }
});
