import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveFunctionRef } from "../../src/expressions/index.ts";
import { ev, evErr, inputs, v } from "../support/expressions.ts";

test("EXPR-FN-1 to_ref builds a reference from a map", () => {
  assert.deepEqual(ev('{"name": "test-case"}.to_ref()'), { name: "test-case" });
  assert.deepEqual(ev('{"apiVersion": "g/v2", "kind": "K", "external": "group/id", "name": "x"}.to_ref()'), {
    apiVersion: "g/v2",
    kind: "K",
    external: "group/id",
  });
  assert.deepEqual(ev('{"name": "n", "namespace": "", "other": 1}.to_ref()'), { name: "n" });
  assert.deepEqual(ev('to_ref({"name": 5, "namespace": "ns", "kind": "K"})'), { kind: "K", name: 5n, namespace: "ns" });
  assert.deepEqual(Object.keys(ev('{"namespace": "ns", "name": "n", "kind": "K", "apiVersion": "v"}.to_ref()') as object), [
    "apiVersion",
    "kind",
    "name",
    "namespace",
  ]);
  assert.match(evErr('{"external": ""}.to_ref()'), /`external` must contain a value\./);
  assert.match(evErr('{"external": null}.to_ref()'), /`external` must contain a value\./);
  assert.match(evErr('{"kind": "K"}.to_ref()'), /`external` or `name` are required to build a reference\./);
  assert.match(evErr('{"name": ""}.to_ref()'), /`name` must contain a value\./);
  assert.match(evErr('"x".to_ref()'), /^Error evaluating/);
});

test("EXPR-FN-2 self_ref requires apiVersion, kind and metadata name/namespace", () => {
  const res = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "prod", uid: "u" }, spec: {} };
  assert.deepEqual(ev("inputs.self_ref()", inputs(res)), { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "prod" });
  assert.deepEqual(ev("self_ref(inputs)", inputs(res)), ev("inputs.self_ref()", inputs(res)));
  const missing: Array<[unknown, string]> = [
    [{ kind: "K" }, "Missing `apiVersion`."],
    [{ apiVersion: "v1" }, "Missing `kind`."],
    [{ apiVersion: "v1", kind: "K", metadata: {} }, "Missing `metadata`."],
    [{ apiVersion: "v1", kind: "K", metadata: { namespace: "n" } }, "Missing `metadata.name`."],
    [{ apiVersion: "v1", kind: "K", metadata: { name: "n" } }, "Missing `metadata.namespace`."],
  ];
  for (const [obj, msg] of missing) assert.ok(evErr("inputs.self_ref()", inputs(obj)).includes(msg), msg);
});

test("EXPR-FN-3 group_ref derives apiGroup from apiVersion", () => {
  assert.deepEqual(ev('{"apiVersion": "some.api.group/v2", "kind": "K", "name": "n", "namespace": "ns"}.group_ref()'), {
    apiGroup: "some.api.group",
    kind: "K",
    name: "n",
    namespace: "ns",
  });
  assert.deepEqual(ev('{"apiVersion": "a.b/v1/x", "name": "n"}.group_ref()'), { apiGroup: "a.b", name: "n" });
  assert.deepEqual(ev('{"apiVersion": "v1", "name": "n"}.group_ref()'), { apiGroup: "v1", name: "n" });
  assert.deepEqual(ev('{"apiVersion": 1, "name": "n"}.group_ref()'), { name: "n" });
  assert.deepEqual(ev('{"apiGroup": "g", "apiVersion": "x/v1", "name": "n"}.group_ref()'), { apiGroup: "g", name: "n" });
});

test("EXPR-FN-4 kindless_ref returns only external or name/namespace", () => {
  assert.deepEqual(ev('{"apiVersion": "v", "kind": "K", "name": "n", "namespace": "ns"}.kindless_ref()'), { name: "n", namespace: "ns" });
  assert.deepEqual(ev('kindless_ref({"external": "e", "name": "n"})'), { external: "e" });
});

test("EXPR-FN-5 config_connect_ready needs exactly one good Ready condition", () => {
  const ready = { type: "Ready", reason: "UpToDate", status: "True" };
  const check = (obj: unknown) => ev("inputs.config_connect_ready()", inputs(obj));
  assert.equal(check({ status: { conditions: [{ type: "Other" }, ready] } }), true);
  assert.equal(check({}), false);
  assert.equal(check({ status: {} }), false);
  assert.equal(check({ status: { conditions: [ready, ready] } }), false);
  assert.equal(check({ status: { conditions: [{ ...ready, status: true }] } }), false);
  assert.equal(check({ status: { conditions: [{ ...ready, reason: "Updating" }] } }), false);
  assert.equal(check({ status: null }), false);
  assert.equal(ev('"x".config_connect_ready()'), false);
  assert.match(evErr("1.config_connect_ready()"), /^Error evaluating/);
});

test("EXPR-107 config_connect_ready on lists and wrongly shaped status is false; a non-map condition fails", () => {
  assert.equal(ev("[1].config_connect_ready()"), false);
  assert.equal(ev('{"status": []}.config_connect_ready()'), false);
  assert.equal(ev('{"status": {"conditions": {}}}.config_connect_ready()'), false);
  assert.match(evErr('{"status": {"conditions": [1]}}.config_connect_ready()'), /a condition is a int, not a map/);
  assert.match(evErr('{"status": 1}.config_connect_ready()'), /^Error evaluating/);
});

test("EXPR-FN-6 overlay deep-merges into a new map", () => {
  assert.deepEqual(ev('{"a": {"b": 1}}.overlay({"a": 5})'), { a: 5n });
  assert.deepEqual(ev('{"nested": {"deep": {"key": "value"}}}.overlay({"nested": {"deep": {"new_key": "new_value"}}})'), {
    nested: { deep: { key: "value", new_key: "new_value" } },
  });
  assert.deepEqual(ev('{"a": 1, "b": [1]}.overlay({"c": 2, "a": null, "b": [2], "x.y": 1})'), { a: null, b: [2n], c: 2n, "x.y": 1n });
  const base = inputs({ a: { b: 1 } });
  assert.deepEqual(ev('[inputs.overlay({"a": {"c": 2}}), inputs]', base), [{ a: { b: 1n, c: 2n } }, { a: { b: 1n } }]);
  assert.match(evErr('{"a": 1}.overlay(null)'), /^Error evaluating/);
  assert.match(evErr('overlay({"a": 1}, 5)'), /^Error evaluating/);
});

test("EXPR-FN-7 flatten concatenates one level", () => {
  assert.deepEqual(ev('[[1, 2, 3], ["a", "b", "c"]].flatten()'), [1n, 2n, 3n, "a", "b", "c"]);
  assert.deepEqual(ev("[[1], [[2]]].flatten()"), [1n, [2n]]);
  assert.deepEqual(ev("[].flatten()"), []);
  assert.deepEqual(ev("flatten([[], [1], []])"), [1n]);
  assert.match(evErr("[1, 2, 3].flatten()"), /^Error evaluating/);
});

test("EXPR-FN-7 (optional quirks) string elements give characters, map elements keys, a string receiver its characters", () => {
  assert.deepEqual(ev('[[1], "ab", {"k": 1, "j": 2}].flatten()'), [1n, "a", "b", "k", "j"]);
  assert.deepEqual(ev('"hé".flatten()'), ["h", "é"]);
  assert.match(evErr("[null].flatten()"), /element of type null_type is not a list/);
  assert.match(evErr("[true].flatten()"), /^Error evaluating/);
  assert.match(evErr('{"a": [1]}.flatten()'), /^Error evaluating/);
});

test("EXPR-FN-8 lower is Unicode lower-casing", () => {
  assert.equal(ev('"ÉCOLE".lower()'), "école");
  assert.match(evErr("lower(1)"), /^Error evaluating/);
});

test("EXPR-FN-9 strip removes a set of characters from both ends", () => {
  assert.equal(ev('"testinga".strip("testing")'), "a");
  assert.equal(ev('"abcba".strip("ab")'), "c");
  assert.equal(ev('strip("xxhixx", "x")'), "hi");
  assert.equal(ev('" hi ".strip("")'), " hi ");
  assert.match(evErr('"hi".strip()'), /^Error evaluating/);
});

test("EXPR-FN-10 rstrip strips the right end only", () => {
  assert.equal(ev('"testingisfun".rstrip("isfun")'), "testing");
  assert.equal(ev('"//path///".rstrip("/")'), "//path");
});

test("EXPR-FN-11 split keeps empty pieces and rejects an empty separator", () => {
  assert.deepEqual(ev('"a..b".split(".")'), ["a", "", "b"]);
  assert.deepEqual(ev('".a.".split(".")'), ["", "a", ""]);
  assert.deepEqual(ev('"".split(".")'), [""]);
  assert.deepEqual(ev('"a::b".split("::")'), ["a", "b"]);
  assert.match(evErr('"a".split("")'), /split separator may not be empty/);
  assert.match(evErr('"a".split(1)'), /^Error evaluating/);
  assert.match(evErr('"a".split(".", 1)'), /^Error evaluating/);
});

test("EXPR-FN-12 split_first returns the text before the first separator", () => {
  assert.equal(ev('"test.ing.is.fun".split_first(".")'), "test");
  assert.equal(ev('"/a/b".split_first("/")'), "");
  assert.equal(ev('"abc".split_first("/")'), "abc");
  assert.equal(ev('"".split_first("/")'), "");
  assert.match(evErr('"a".split_first("")'), /split separator may not be empty/);
});

test("EXPR-FN-13 split_last returns the text after the last separator", () => {
  assert.equal(ev('"test.ing.is.fun".split_last(".")'), "fun");
  assert.equal(ev('"a/b/".split_last("/")'), "");
  assert.equal(ev('"".split_last("/")'), "");
  assert.match(evErr('"".split_last("")'), /split separator may not be empty/);
});

test("EXPR-FN-14 split_index with negative indexes and bounds", () => {
  assert.equal(ev('"test.ing.is.fun".split_index(".", 2)'), "is");
  assert.equal(ev('"test.ing.is.fun".split_index(".", -1)'), "fun");
  assert.equal(ev('"a.b".split_index(".", 1u)'), "b");
  assert.equal(ev("''.split_index('.', 1)"), "");
  assert.match(evErr('"a.b".split_index(".", 2)'), /index out of bounds on split/);
  assert.match(evErr('"a.b".split_index(".", -3)'), /index out of bounds on split/);
  assert.match(evErr('"".split_index("", 0)'), /split separator may not be empty/);
});

test("EXPR-FN-15 to_json: sorted keys, Python separators, booleans as 1/0, ASCII escapes", () => {
  assert.equal(ev('to_json({"testKey": "testValue"})'), '{"testKey": "testValue"}');
  assert.equal(ev('["testKey", "testValue"].to_json()'), '["testKey", "testValue"]');
  assert.equal(ev('to_json({"b": 1, "a": [1.0, 1.5, 1e20, null]})'), '{"a": [1.0, 1.5, 1e+20, null], "b": 1}');
  assert.equal(ev("to_json(false)"), "0");
  assert.equal(ev("to_json([true])"), "[1]");
  assert.equal(ev('to_json({1: "a"})'), '{"1": "a"}');
  assert.equal(ev('to_json("é\\n\\"\\\\😀")'), '"\\u00e9\\n\\"\\\\\\ud83d\\ude00"');
  for (const e of ['to_json(b"x")', 'to_json(timestamp("2024-01-01T00:00:00Z"))', 'to_json(duration("1s"))']) {
    assert.match(evErr(e), /JSON Encoding error/, e);
  }
  assert.match(evErr("to_json()"), /^Error evaluating/);
});

test("EXPR-FN-16 from_json parses JSON keeping ints and doubles apart", () => {
  assert.equal(ev('from_json("1")'), 1n);
  assert.equal(ev('from_json("1.5")'), 1.5);
  assert.equal(ev('type(from_json("1.0")) == double'), true);
  assert.equal(ev('from_json("null")'), null);
  assert.equal(ev('from_json("true")'), true);
  assert.deepEqual(ev('from_json(to_json({"a": ["x", 1, 2.5]}))'), { a: ["x", 1n, 2.5] });
  assert.match(evErr('from_json("{bad")'), /JSON Decoding error/);
  assert.match(evErr("from_json(true)"), /^Error evaluating/);
  assert.match(evErr("from_json()"), /^Error evaluating/);
});

test("EXPR-FN-17 b64encode encodes UTF-8 strings only", () => {
  assert.equal(ev('"isfun".b64encode()'), "aXNmdW4=");
  assert.equal(ev('b64encode("")'), "");
  assert.equal(ev('"é".b64encode()'), "w6k=");
  for (const e of ["b64encode(1)", "b64encode(true)", 'b64encode({"a": 1})', "b64encode([1])", 'b64encode(b"x")']) {
    assert.match(evErr(e), /Base64 Encoding error/, e);
  }
});

test("EXPR-FN-18 b64decode decodes to UTF-8 text", () => {
  assert.equal(ev('"aXNmdW4=".b64decode()'), "isfun");
  assert.equal(ev('b64decode("")'), "");
  assert.equal(ev('b64decode(b"aXNmdW4=")'), "isfun");
  assert.equal(ev('"aGV sbG8=".b64decode()'), "hello");
  assert.match(evErr('"aXNmdW".b64decode()'), /Base64 Encoding error/);
  assert.match(evErr('"/w==".b64decode()'), /Base64 Encoding error/);
});

test("EXPR-FN-19 replace substitutes every occurrence left to right", () => {
  assert.equal(ev('"ababab".replace("ab", "cd")'), "cdcdcd");
  assert.equal(ev('"aaa".replace("a", "")'), "");
  assert.equal(ev('"abc".replace("", "-")'), "-a-b-c-");
  assert.equal(ev('replace("aaaa", "aa", "b")'), "bb");
  assert.match(evErr('"a".replace(1, "b")'), /Replace error/);
  assert.match(evErr('"a".replace("a")'), /^Error evaluating/);
});

test("EXPR-FN-20 functionRef resolution", () => {
  assert.deepEqual(resolveFunctionRef(undefined, "loc"), { ok: true, value: undefined });
  assert.deepEqual(resolveFunctionRef(v({}), "loc"), { ok: true, value: undefined });
  assert.deepEqual(resolveFunctionRef(v({ kind: "ValueFunction", name: "f" }), "loc"), { ok: true, value: { kind: "ValueFunction", name: "f" } });
  const msg = (x: unknown) => {
    const r = resolveFunctionRef(v(x), "loc");
    return r.ok ? "" : (r.outcome.message ?? "");
  };
  assert.match(msg("x"), /^Failed to process `functionRef`, expected object with `kind` and `name`\./);
  assert.equal(msg({ name: "f" }), "Missing `functionRef.kind`.");
  assert.equal(msg({ kind: "ValueFunction", name: "" }), "Missing `functionRef.name`.");
  assert.equal(msg({ kind: "Workflow", name: "f" }), "Invalid `functionRef.kind` (Workflow).");
});
