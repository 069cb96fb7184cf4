/**
 * prepareFunctionTest (FT-1..FT-8): schema first (FT-3), then the per-case
 * definition checks (FT-4..FT-6). The function under test is recorded in
 * `dependsOn` and resolved through the lookup at run time (FT-7), so a test
 * always runs against the function's current entry, whatever the load order.
 */
import {
  definitionProblem,
  validateSpec,
  type Definition,
  type DefinitionRef,
  type PrepareOutcome,
  type Preparer,
  type Problem,
} from "../definitions/index.ts";
import { Outcome } from "../outcome/index.ts";
import { isMap, type Value, type ValueMap } from "../value/index.ts";
import { prepareCase, type CaseProblem } from "./prepare-case.ts";
import { testWarnings } from "./warnings.ts";
import type { FunctionKind, PreparedFunctionTest, PreparedTestCase } from "./types.ts";

export const prepareFunctionTest: Preparer<PreparedFunctionTest> = (definition, lookup) => {
  const ref = functionRef(definition.spec);
  const dependsOn: DefinitionRef[] = ref === undefined ? [] : [ref];
  // FT-3: the schema comes first; a violation is the whole test's definition error.
  const schema = validateSpec(definition);
  if (!schema.ok) return { ok: false, outcome: schema.outcome, dependsOn, problems: schema.problems };
  if (ref === undefined) return failed(definition, [definitionProblem("error", definition, "spec.functionRef", "Missing spec.functionRef")], dependsOn);

  const problems: CaseProblem[] = [];
  const inputs = optionalObject(schema.spec, "inputs", problems);
  const currentResource = optionalObject(schema.spec, "currentResource", problems);
  const cases = prepareCases(definition, ref.kind, problems);
  if (problems.length > 0) {
    return failed(
      definition,
      problems.map((p) => definitionProblem("error", definition, p.path, p.message)),
      dependsOn,
    );
  }
  const value: PreparedFunctionTest = Object.freeze({
    kind: "FunctionTest",
    name: definition.name,
    functionRef: ref,
    inputs: inputs !== undefined && Object.keys(inputs).length > 0 ? inputs : undefined,
    currentResource: currentResource !== undefined && Object.keys(currentResource).length > 0 ? currentResource : undefined,
    cases,
  });
  return { ok: true, value, dependsOn, warnings: testWarnings(definition, value, lookup) };
};

function functionRef(spec: ValueMap): { kind: FunctionKind; name: string } | undefined {
  const ref = spec.functionRef;
  if (!isMap(ref) || typeof ref.name !== "string") return undefined;
  if (ref.kind !== "ValueFunction" && ref.kind !== "ResourceFunction") return undefined;
  return { kind: ref.kind, name: ref.name };
}

function prepareCases(definition: Definition, kind: FunctionKind, problems: CaseProblem[]): readonly PreparedTestCase[] {
  const raw = definition.spec.testCases;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push({ path: "spec.testCases", message: "`spec.testCases` must be a list." });
    return [];
  }
  const location = `FunctionTest:${definition.name}`;
  const cases = raw.map((c: Value, i) => prepareCase(c, i, kind, location, problems));
  return Object.freeze(cases.filter((c): c is PreparedTestCase => c !== undefined));
}

function optionalObject(spec: ValueMap, key: string, problems: CaseProblem[]): ValueMap | undefined {
  const value = spec[key];
  if (value === undefined || value === null) return undefined;
  if (isMap(value)) return value;
  problems.push({ path: `spec.${key}`, message: `\`spec.${key}\` must be an object.` });
  return undefined;
}

/** FT-30: a definition error; the first problem is the test's message (the reference reports one). */
function failed(definition: Definition, problems: readonly Problem[], dependsOn: DefinitionRef[]): PrepareOutcome<PreparedFunctionTest> {
  const first = problems[0]?.message ?? "Invalid FunctionTest";
  return { ok: false, outcome: Outcome.permFail(first, `prepare:FunctionTest:${definition.name}`), dependsOn, problems };
}

declare module "../definitions/definition.ts" {
  /** The registry holds a PreparedFunctionTest for every FunctionTest (typed lookups, no casts). */
  interface PreparedKinds {
    FunctionTest: PreparedFunctionTest;
  }
}
