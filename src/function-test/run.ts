/**
 * runFunctionTest (FT-10..FT-17, FT-30..FT-32): runs the prepared cases in order
 * against a fresh simulated cluster per case, carrying inputs and the resource
 * forward. Pure apart from the function evaluations; never rejects.
 */
import type { DefinitionLookup, RegistryEntry } from "../definitions/index.ts";
import { cloneValue, type ValueMap } from "../value/index.ts";
import { describeExpectation, judge } from "./assertions.ts";
import { deepMerge } from "../value/index.ts";
import { caseResource } from "./case-resource.ts";
import { resolveFunction, runFunctionOnce } from "./function-under-test.ts";
import type { CaseResult, FunctionTestResult, PreparedFunctionTest, PreparedTestCase } from "./types.ts";

interface Carried {
  readonly inputs: ValueMap | undefined;
  readonly resource: ValueMap;
}

/** What a case leaves behind: its result, the next carried state, and whether the run stops. */
interface CaseStep {
  readonly result: CaseResult;
  readonly carried: Carried;
  readonly stop: boolean;
}

/** Runs a registry entry: a definition error (FT-30) becomes a failed result with no cases. */
export async function runTestEntry(entry: RegistryEntry<PreparedFunctionTest>, lookup: DefinitionLookup): Promise<FunctionTestResult> {
  if (!entry.prepared.ok) return errorResult(entry.definition.name, entry.prepared.outcome.message ?? "Invalid FunctionTest", []);
  const result = await runFunctionTest(entry.prepared.value, lookup);
  // FT-31: preparation warnings (e.g. the inputs check) are shown with the result, never change it.
  const warnings = (entry.prepared.warnings ?? []).map((w) => w.message).filter((m) => !result.warnings.includes(m));
  return warnings.length === 0 ? result : { ...result, warnings: [...warnings, ...result.warnings] };
}

export async function runFunctionTest(test: PreparedFunctionTest, lookup: DefinitionLookup): Promise<FunctionTestResult> {
  const fn = resolveFunction(test, lookup);
  if (!fn.ok)
    return errorResult(
      test.name,
      fn.message,
      test.cases.map((c) => c.label),
    );
  if (test.cases.length === 0) return { name: test.name, passed: true, error: null, cases: [], notRun: [], warnings: ["No tests run."] };
  const results: CaseResult[] = [];
  let carried: Carried = { inputs: test.inputs, resource: test.currentResource ?? {} };
  for (const [i, testCase] of test.cases.entries()) {
    const step = await runCaseSafely(testCase, carried, fn.run, lookup);
    results.push(step.result);
    carried = step.carried;
    if (step.stop) return finish(test.name, results, test.cases.slice(i + 1));
  }
  return finish(test.name, results, []);
}

function finish(name: string, cases: CaseResult[], rest: readonly PreparedTestCase[]): FunctionTestResult {
  return { name, passed: cases.every((c) => c.passed), error: null, cases, notRun: rest.map((c) => c.label), warnings: [] };
}

function errorResult(name: string, error: string, notRun: readonly string[]): FunctionTestResult {
  return { name, passed: false, error, cases: [], notRun, warnings: [] };
}

type Runner = Parameters<typeof runFunctionOnce>[0];

/** FT-32: a crash inside one case is that case's failure, and stops the run. */
async function runCaseSafely(testCase: PreparedTestCase, carried: Carried, fn: Runner, lookup: DefinitionLookup): Promise<CaseStep> {
  try {
    return await runCase(testCase, carried, fn, lookup);
  } catch (error) {
    const message = `Unknown ${error instanceof Error ? error.message : String(error)}.`;
    return { result: failedCase(testCase.label, message), carried, stop: true };
  }
}

async function runCase(testCase: PreparedTestCase, carried: Carried, fn: Runner, lookup: DefinitionLookup): Promise<CaseStep> {
  // FT-16: a skipped case changes nothing.
  if (testCase.skip) {
    return { result: { label: testCase.label, passed: true, skipped: true, message: "user skipped", differences: [] }, carried, stop: false };
  }
  const inputs = caseInputs(carried.inputs, testCase.inputOverrides);
  const resource = caseResource(testCase, carried.resource, inputs);
  if (!resource.ok) {
    const result = { ...failedCase(testCase.label, resource.message), expectation: describeExpectation(testCase.expectation) };
    return { result, carried, stop: resource.fatal || !testCase.variant };
  }
  const seen = await runFunctionOnce(fn, inputs, resource.value, lookup);
  const verdict = judge(testCase.expectation, seen);
  const result: CaseResult = {
    label: testCase.label,
    passed: verdict.passed,
    skipped: false,
    message: verdict.message,
    expectation: describeExpectation(testCase.expectation),
    differences: verdict.differences,
    outcome: seen.outcome,
    ...(verdict.actual === undefined ? {} : { actual: verdict.actual }),
  };
  // FT-16: variants leave the carried state alone; otherwise writes (or the case's resource) carry forward.
  const next: Carried = testCase.variant ? carried : { inputs, resource: seen.wrote ? seen.resource : resource.value };
  // FT-17: a failing variant does not stop the run.
  return { result, carried: next, stop: !verdict.passed && !testCase.variant };
}

/** FT-11: deep-merge the overrides onto the carried inputs (each case gets its own copy). */
function caseInputs(carried: ValueMap | undefined, overrides: ValueMap | undefined): ValueMap {
  const base = carried ?? {};
  return cloneValue(overrides === undefined ? base : deepMerge(base, overrides));
}

function failedCase(label: string, message: string): CaseResult {
  return { label, passed: false, skipped: false, message, differences: [] };
}
