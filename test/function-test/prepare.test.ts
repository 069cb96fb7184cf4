import { test } from "node:test";
import assert from "node:assert/strict";
import { ECHO, WIDGET, functionTest, registryOf, runOne } from "../support/function-test.ts";
import type { PreparedFunctionTest } from "../../src/function-test/index.ts";

const prepared = (text: string, ...others: string[]) => {
  const entry = registryOf(...others, text).get("FunctionTest", "t");
  assert.ok(entry !== undefined);
  return entry.prepared;
};

test("FT-1 / CRD-1 a FunctionTest is known by name alone; the function is found across namespaces", async () => {
  const result = await runOne(
    ECHO,
    functionTest("t", "  functionRef: {kind: ValueFunction, name: echo}\n  inputs: {value: 1}\n  testCases:\n    - expectReturn: {value: 1}\n"),
  );
  assert.equal(result.passed, true);
});

test("FT-2 / FT-3 only functionRef is required: a missing one is a schema error with a spec. path", () => {
  const p = prepared(functionTest("t", "  inputs: {a: 1}\n"));
  assert.ok(!p.ok);
  assert.match(p.outcome.message ?? "", /spec/);
  assert.match(p.outcome.message ?? "", /functionRef/);
});

test("FT-3 `ok:` with no value is YAML null and rejected by the schema (write `ok: {}`)", () => {
  const p = prepared(functionTest("t", "  functionRef: {kind: ValueFunction, name: echo}\n  testCases:\n    - expectOutcome:\n        ok:\n"), ECHO);
  assert.ok(!p.ok);
  assert.match(p.outcome.message ?? "", /spec\.testCases\[0\]\.expectOutcome\.ok must be object/);
});

test("FT-3 / CRD-3 the FunctionTest CRD schema applies: more than 20 test cases and a functionRef.kind outside the enum are errors", () => {
  const cases = Array.from({ length: 21 }, () => "    - expectOutcome: {ok: {}}\n").join("");
  assert.equal(prepared(functionTest("t", `  functionRef: {kind: ValueFunction, name: echo}\n  testCases:\n${cases}`), ECHO).ok, false);
  const bad = prepared(functionTest("t", "  functionRef: {kind: Workflow, name: echo}\n"));
  assert.ok(!bad.ok);
  assert.match(bad.outcome.message ?? "", /spec\.functionRef\.kind/);
});

test("FT-3 / CRD-5 retry without delay is rejected by the schema before any FT-5 check", () => {
  const p = prepared(functionTest("t", "  functionRef: {kind: ValueFunction, name: echo}\n  testCases:\n    - expectOutcome: {retry: {message: x}}\n"), ECHO);
  assert.ok(!p.ok);
  assert.match(p.outcome.message ?? "", /retry/);
});

test("FT-4 labels default to `Test Case <n>` and variants get a `[variant] ` prefix unless they say variant", () => {
  const p = prepared(
    functionTest(
      "t",
      "  functionRef: {kind: ValueFunction, name: echo}\n  testCases:\n    - expectOutcome: {ok: {}}\n    - {variant: true, expectOutcome: {ok: {}}}\n    - {variant: true, label: My Variant case, expectOutcome: {ok: {}}}\n    - {label: '', expectOutcome: {ok: {}}}\n",
    ),
    ECHO,
  );
  assert.ok(p.ok);
  assert.deepEqual(
    (p.value as PreparedFunctionTest).cases.map((c) => c.label),
    ["Test Case 1", "[variant] Test Case 2", "My Variant case", "Test Case 4"],
  );
});

test("FT-5 a case needs exactly one assertion; expectDelete: false counts as present", () => {
  const none = prepared(
    functionTest("t", "  functionRef: {kind: ResourceFunction, name: widget}\n  testCases:\n    - {label: a, inputOverrides: {x: 1}}\n"),
    WIDGET,
  );
  assert.ok(!none.ok);
  assert.equal(
    none.outcome.message,
    '`spec.testCases[0: "a"]` must contain exactly one assertion (`expectResource`, `expectReturn`, `expectOutcome`, or `expectDelete`).',
  );
  const two = prepared(
    functionTest("t", "  functionRef: {kind: ResourceFunction, name: widget}\n  testCases:\n    - {expectDelete: false, expectOutcome: {ok: {}}}\n"),
    WIDGET,
  );
  assert.ok(!two.ok);
  assert.equal(two.problems[0]?.path, "spec.testCases[0]");
});

test("FT-6 expectResource and expectDelete are only valid for ResourceFunction tests", () => {
  const p = prepared(
    functionTest(
      "t",
      "  functionRef: {kind: ValueFunction, name: echo}\n  testCases:\n    - {label: r, expectResource: {a: 1}}\n    - {label: d, expectDelete: true}\n",
    ),
    ECHO,
  );
  assert.ok(!p.ok);
  assert.deepEqual(
    p.problems.map((x) => x.message),
    [
      '`spec.testCases[0: "r"].expectResource` only valid for `ResourceFunction` tests.',
      '`spec.testCases[1: "d"].expectDelete` only valid for `ResourceFunction` tests.',
    ],
  );
});

test("FT-6 empty expectReturn/expectResource objects are definition errors", () => {
  const p = prepared(
    functionTest(
      "t",
      "  functionRef: {kind: ResourceFunction, name: widget}\n  testCases:\n    - {label: r, expectReturn: {}}\n    - {label: s, expectResource: {}}\n",
    ),
    WIDGET,
  );
  assert.ok(!p.ok);
  assert.deepEqual(
    p.problems.map((x) => x.message),
    ['`spec.testCases[0: "r"].expectReturn` may not be an empty object.', '`spec.testCases[1: "s"].expectResource` may not be an empty object.'],
  );
});

test("FT-6 overlayResource expressions that do not compile are definition errors at that field", () => {
  const p = prepared(
    functionTest(
      "t",
      "  functionRef: {kind: ResourceFunction, name: widget}\n  testCases:\n    - overlayResource: {spec: {color: '=1 +'}}\n      expectOutcome: {ok: {}}\n",
    ),
    WIDGET,
  );
  assert.ok(!p.ok);
  assert.equal(p.problems[0]?.path, "spec.testCases[0].overlayResource");
  assert.equal(p.problems[0]?.line, 9, "positioned at the field in the source");
});

test("FT-30 a definition error fails the whole test before any case runs", async () => {
  const result = await runOne(
    WIDGET,
    functionTest("t", "  functionRef: {kind: ResourceFunction, name: widget}\n  testCases:\n    - {expectOutcome: {ok: {}}}\n    - {expectReturn: {}}\n"),
  );
  assert.equal(result.passed, false);
  assert.match(result.error ?? "", /may not be an empty object/);
  assert.deepEqual(result.cases, []);
});

test("FT-7 a missing function makes a prepared but non-runnable test (DepSkip text), failing with no case run", async () => {
  const result = await runOne(functionTest("lonely", "  functionRef: {kind: ValueFunction, name: ghost}\n  testCases:\n    - expectOutcome: {ok: {}}\n"));
  assert.equal(result.passed, false);
  assert.equal(result.error, "ValueFunction (ghost) not found or not ready, FunctionTest 'lonely' must wait.");
  assert.deepEqual(result.cases, []);
  assert.deepEqual(result.notRun, ["Test Case 1"]);
});

test("FT-7 an invalid function fails the test with the function's PermFail message", async () => {
  const broken = ECHO.replace("value: =inputs.value", "value: =inputs.value +");
  const result = await runOne(broken, functionTest("t", "  functionRef: {kind: ValueFunction, name: echo}\n  testCases:\n    - expectOutcome: {ok: {}}\n"));
  assert.equal(result.passed, false);
  assert.match(result.error ?? "", /Parsing error|spec\.return/);
});

test("FT-7 recommendation: the test may be loaded before its function", async () => {
  const result = await runOne(
    functionTest("t", "  functionRef: {kind: ValueFunction, name: echo}\n  inputs: {value: 2}\n  testCases:\n    - expectReturn: {value: 2}\n"),
    ECHO,
  );
  assert.equal(result.passed, true);
});

test("FT-8 strings starting with = in inputs are plain strings, not expressions", async () => {
  const result = await runOne(
    ECHO,
    functionTest("t", "  functionRef: {kind: ValueFunction, name: echo}\n  inputs: {value: '=1 + 1'}\n  testCases:\n    - expectReturn: {value: '=1 + 1'}\n"),
  );
  assert.equal(result.passed, true);
});

test("FT-31 the inputs check is advisory: missing and unexpected inputs are warnings, the test still passes", async () => {
  const result = await runOne(
    ECHO,
    functionTest("t", "  functionRef: {kind: ValueFunction, name: echo}\n  inputs: {extra: 1}\n  testCases:\n    - expectReturn: {value: null}\n"),
  );
  assert.equal(result.passed, false, "value is missing, so evaluation fails");
  assert.ok(result.warnings.includes("Missing input ('inputs.value')."));
  assert.ok(result.warnings.includes("Input ('inputs.extra') not expected."));
});
