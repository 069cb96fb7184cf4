import { test } from "node:test";
import assert from "node:assert/strict";
import { ECHO, WIDGET, functionTest, labels, runOne, runTests, show } from "../support/function-test.ts";
import type { DefinitionLookup } from "../../src/definitions/definition.ts";

const widgetTest = (cases: string, extra = "") =>
  functionTest("t", `  functionRef: {kind: ResourceFunction, name: widget}\n  inputs: {name: w, color: red}\n${extra}  testCases:\n${cases}`);

const CREATED = "{apiVersion: acme.example/v1, kind: Widget, metadata: {name: w, namespace: widgets}, spec: {color: red}}";

test("FT-1.5 worked example: create, overlay status, variant patch, back to Ok", async () => {
  const result = await runOne(
    WIDGET,
    widgetTest(
      `    - expectResource: ${CREATED}
    - overlayResource: {status: {ready: true}}
      expectReturn: {color: red}
    - variant: true
      inputOverrides: {color: blue}
      expectResource: {apiVersion: acme.example/v1, kind: Widget, metadata: {name: w, namespace: widgets}, spec: {color: blue}, status: {ready: true}}
    - expectReturn: {color: red}
`,
    ),
  );
  assert.deepEqual(labels(result), ["pass Test Case 1", "pass Test Case 2", "pass [variant] Test Case 3", "pass Test Case 4"]);
  assert.equal(result.passed, true);
});

test("FT-15 create → Retry `Creating <Kind>:<ns>:<name>.` with the default delay 30", async () => {
  const result = await runOne(WIDGET, widgetTest("    - expectOutcome: {retry: {message: 'Creating Widget:widgets:w.', delay: 30}}\n"));
  assert.equal(result.passed, true);
});

test("FT-15 patch → Retry ``Patching `<Kind>:<ns>:<name>` due to`` the difference", async () => {
  const current = "  currentResource: {apiVersion: acme.example/v1, kind: Widget, metadata: {name: w, namespace: widgets}, spec: {color: green}}\n";
  const result = await runOne(WIDGET, widgetTest("    - expectOutcome: {retry: {message: 'Patching `Widget:widgets:w` due to', delay: 30}}\n", current));
  assert.equal(result.passed, true, show(result.cases));
});

test("FT-10 / FT-16 non-variant cases carry inputs and written resources forward; variants are discarded", async () => {
  const result = await runOne(
    WIDGET,
    widgetTest(`    - {variant: true, inputOverrides: {color: blue}, expectOutcome: {retry: {message: Creating, delay: 0}}}
    - {inputOverrides: {color: green}, expectOutcome: {retry: {message: Creating, delay: 0}}}
    - {expectReturn: {color: green}}
`),
  );
  assert.equal(result.passed, true, show(result.cases));
});

test("FT-11 overrides deep-merge onto carried inputs; with neither, the function gets {}", async () => {
  const nested = ECHO.replace("value: =inputs.value", "value: =inputs.value");
  const result = await runOne(
    nested,
    functionTest(
      "t",
      `  functionRef: {kind: ValueFunction, name: echo}
  inputs: {value: {a: 1, b: [1, 2]}}
  testCases:
    - {inputOverrides: {value: {b: [3]}}, expectReturn: {value: {a: 1, b: [3]}}}
    - {inputOverrides: {value: {c: null}}, expectReturn: {value: {a: 1, b: [3], c: null}}}
`,
    ),
  );
  assert.equal(result.passed, true, show(result.cases));
  const bare = await runOne(
    ECHO,
    functionTest("t", "  functionRef: {kind: ValueFunction, name: echo}\n  testCases:\n    - expectOutcome: {permFail: {message: value}}\n"),
  );
  assert.equal(bare.passed, true, "no inputs at all: `inputs.value` is missing");
});

test("FT-12 overlay before any resource fails and stops the run, even for a variant", async () => {
  const result = await runOne(
    WIDGET,
    widgetTest(`    - {variant: true, overlayResource: {status: {a: 1}}, expectOutcome: {ok: {}}}
    - {expectOutcome: {ok: {}}}
`),
  );
  assert.equal(result.passed, false);
  assert.equal(result.cases[0]?.message, "Can not overlay until the full resource exists. Try setting `currentResource` or reordering test cases.");
  assert.deepEqual(result.notRun, ["Test Case 2"]);
});

test("FT-12 a case-level currentResource: {} is treated as absent; overlay wins over currentResource", async () => {
  const result = await runOne(
    WIDGET,
    widgetTest(`    - {expectOutcome: {retry: {message: Creating, delay: 0}}}
    - {currentResource: {}, expectReturn: {color: red}}
    - currentResource: {apiVersion: acme.example/v1, kind: Widget, metadata: {name: w}, spec: {color: ignored}}
      overlayResource: {status: {ok: true}}
      expectReturn: {color: red}
`),
  );
  assert.equal(result.passed, true, show(result.cases));
});

test("FT-13 overlayResource expressions see inputs, resource and the bare top-level input keys", async () => {
  const result = await runOne(
    WIDGET,
    widgetTest(`    - {expectOutcome: {retry: {message: Creating, delay: 0}}}
    - overlayResource: {status: {a: '=color + "!"', b: '=inputs.name', c: '=resource.spec.color'}}
      expectReturn: {color: red}
    - variant: true
      inputOverrides: {color: blue}
      expectResource: {apiVersion: acme.example/v1, kind: Widget, metadata: {name: w, namespace: widgets}, spec: {color: blue}, status: {a: red!, b: w, c: red}}
`),
  );
  assert.equal(result.passed, true, show(result.cases));
});

test("FT-13 an overlay evaluation error fails the case, fatal unless variant", async () => {
  const result = await runOne(
    WIDGET,
    widgetTest(`    - {expectOutcome: {retry: {message: Creating, delay: 0}}}
    - {variant: true, overlayResource: {status: {a: '=inputs.nope'}}, expectOutcome: {ok: {}}}
    - {overlayResource: {status: {a: '=inputs.nope'}}, expectOutcome: {ok: {}}}
    - {expectOutcome: {ok: {}}}
`),
  );
  assert.deepEqual(labels(result), ["pass Test Case 1", "fail [variant] Test Case 2", "fail Test Case 3"]);
  assert.match(result.cases[1]?.message ?? "", /^Could not run test case due to resource overlay error: \(/);
  assert.deepEqual(result.notRun, ["Test Case 4"]);
});

test("FT-14 / FTF-1 renaming the target through inputOverrides is a patch of the one resource, not a create", async () => {
  const result = await runOne(
    WIDGET,
    widgetTest(`    - {expectOutcome: {retry: {message: Creating, delay: 0}}}
    - {inputOverrides: {name: other}, expectOutcome: {retry: {message: Patching, delay: 0}}}
`),
  );
  assert.equal(result.passed, true, show(result.cases));
});

test("FT-14 / FTF-1 a patch replaces top-level keys wholesale: nested keys outside the target are lost", async () => {
  const current =
    "  currentResource: {apiVersion: acme.example/v1, kind: Widget, metadata: {name: w, namespace: widgets, labels: {x: y}}, spec: {color: green, size: 3}, status: {s: 1}}\n";
  const result = await runOne(
    WIDGET,
    widgetTest(
      "    - expectResource: {apiVersion: acme.example/v1, kind: Widget, metadata: {name: w, namespace: widgets}, spec: {color: red}, status: {s: 1}}\n",
      current,
    ),
  );
  assert.equal(result.passed, true, show(result.cases));
});

test("FTF-3 / RF-24 no ownerReferences are ever added in tests", async () => {
  const result = await runOne(WIDGET, widgetTest(`    - expectResource: ${CREATED}\n`));
  assert.equal(result.passed, true);
});

test("FT-15 / FTF-4 a ValueFunction with a current resource returns the resource with the return overlaid", async () => {
  const result = await runOne(
    ECHO,
    functionTest(
      "t",
      `  functionRef: {kind: ValueFunction, name: echo}
  inputs: {value: 1}
  currentResource: {kind: Thing, spec: {a: 1}}
  testCases:
    - expectReturn: {kind: Thing, spec: {a: 1}, value: 1}
`,
    ),
  );
  assert.equal(result.passed, true, show(result.cases));
});

test("FT-16 after a delete the carried resource is empty, so the next case creates again", async () => {
  const recreating = `${WIDGET}  update:\n    recreate: {delay: 5}\n`;
  const result = await runOne(
    recreating,
    widgetTest(
      `    - {expectDelete: true}
    - {expectOutcome: {retry: {message: 'Creating Widget:widgets:w.', delay: 30}}}
`,
      `  currentResource: {apiVersion: acme.example/v1, kind: Widget, metadata: {name: w, namespace: widgets}, spec: {color: green}}\n`,
    ),
  );
  assert.equal(result.passed, true, show(result.cases));
  const recreate = await runOne(
    WIDGET,
    widgetTest(`    - {expectResource: ${CREATED}}
    - {expectOutcome: {ok: {}}}
`),
  );
  assert.equal(recreate.passed, true);
});

test("FT-16 a skipped case is reported passed with `user skipped` and changes nothing", async () => {
  const result = await runOne(
    WIDGET,
    widgetTest(`    - {skip: true, inputOverrides: {color: blue}, expectOutcome: {permFail: {message: never}}}
    - {expectResource: ${CREATED}}
`),
  );
  assert.deepEqual(result.cases[0], { label: "Test Case 1", passed: true, skipped: true, message: "user skipped", differences: [] });
  assert.equal(result.passed, true);
});

test("FT-17 a failed non-variant case stops the run; a failed variant does not", async () => {
  const result = await runOne(
    WIDGET,
    widgetTest(`    - {variant: true, expectOutcome: {ok: {}}}
    - {expectOutcome: {ok: {}}}
    - {expectOutcome: {ok: {}}}
`),
  );
  assert.deepEqual(labels(result), ["fail [variant] Test Case 1", "fail Test Case 2"]);
  assert.deepEqual(result.notRun, ["Test Case 3"]);
});

test("FT-18 a test without cases passes with a warning", async () => {
  const result = await runOne(ECHO, functionTest("t", "  functionRef: {kind: ValueFunction, name: echo}\n"));
  assert.equal(result.passed, true);
  assert.deepEqual(result.cases, []);
  assert.ok(result.warnings.includes("No tests run."));
});

test("FT-32 tests are independent: one test's state never reaches another", async () => {
  const one = widgetTest(`    - {expectResource: ${CREATED}}\n`);
  const results = await runTests(WIDGET, one, one.replace("name: t\n", "name: t2\n"));
  assert.deepEqual(
    results.map((r) => r.passed),
    [true, true],
  );
});

test("FT-22 expectResource failures list the differing field paths", async () => {
  const result = await runOne(
    WIDGET,
    widgetTest("    - expectResource: {apiVersion: acme.example/v1, kind: Widget, metadata: {name: w, namespace: widgets}, spec: {color: blue}}\n"),
  );
  assert.deepEqual(
    result.cases[0]?.differences.map((d) => [d.path, d.expected, d.actual]),
    [["spec.color", "blue", "red"]],
  );
});

test("FT-32 a crash while running a case is that test's failure (`Unknown …`), and other tests still run", async () => {
  const { runFunctionTest } = await import("../../src/function-test/index.ts");
  // A prepared value that throws when read stands in for a bug in our own code.
  const bogus = {
    get kind(): string {
      throw new Error("boom");
    },
  };
  const lookup = {
    get: () => ({ definition: {} as never, revision: 1, prepared: { ok: true as const, value: bogus, dependsOn: [] } }),
  } as unknown as DefinitionLookup; // a function whose run throws: not a shape any preparer builds
  const test1 = {
    kind: "FunctionTest" as const,
    name: "crashy",
    functionRef: { kind: "ResourceFunction" as const, name: "boom" },
    inputs: undefined,
    currentResource: undefined,
    cases: [
      {
        index: 0,
        label: "a",
        variant: true,
        skip: false,
        inputOverrides: undefined,
        currentResource: undefined,
        overlayResource: undefined,
        expectation: { kind: "outcome" as const, outcome: { kind: "Ok" as const } },
      },
      {
        index: 1,
        label: "b",
        variant: false,
        skip: false,
        inputOverrides: undefined,
        currentResource: undefined,
        overlayResource: undefined,
        expectation: { kind: "outcome" as const, outcome: { kind: "Ok" as const } },
      },
    ],
  };
  const result = await runFunctionTest(test1, lookup);
  assert.equal(result.passed, false);
  assert.equal(result.cases[0]?.message, "Unknown boom.");
  assert.deepEqual(result.notRun, ["b"], "a crash stops the run, even in a variant");
  const other = await runOne(
    ECHO,
    functionTest("t", "  functionRef: {kind: ValueFunction, name: echo}\n  inputs: {value: 1}\n  testCases:\n    - expectReturn: {value: 1}\n"),
  );
  assert.equal(other.passed, true);
});

test("CRD-2 running FunctionTests writes no status anywhere: the test definitions are left as loaded", async () => {
  const { registryOf } = await import("../support/function-test.ts");
  const { runAllTests } = await import("../../src/function-test/index.ts");
  const registry = registryOf(WIDGET, widgetTest(`    - {expectResource: ${CREATED}}\n`));
  const before = show([...registry.entries("FunctionTest")].map((e) => e.definition.raw));
  const runs = await runAllTests(registry);
  assert.equal(runs[0]?.result.passed, true);
  const after = [...registry.entries("FunctionTest")].map((e) => e.definition.raw);
  assert.equal(show(after), before);
  assert.ok(after.every((raw) => raw.status === undefined));
});
