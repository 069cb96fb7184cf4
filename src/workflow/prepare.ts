import type { Definition, DefinitionLookup, PrepareOutcome, Preparer, Problem } from "../definitions/index.ts";
import { validateSpec } from "../definitions/index.ts";
import { combineOutcomes } from "../outcome/index.ts";
import { Outcome } from "../outcome/index.ts";
import { isList, isMap, type Value, type ValueMap } from "../value/index.ts";
import { prepareStep, type StepError } from "./prepare-step.ts";
import type { PreparedStep, PreparedWorkflow } from "./prepared-workflow.ts";
import { parseCrdRef } from "./crd-ref.ts";
import { findReferenceCycle, logicReferences } from "./references.ts";

/**
 * Builds the frozen PreparedWorkflow (kro's graph builder): validate the spec (WF-3),
 * refuse reference cycles (WF-32), then prepare every step (WF-5..10, WF-21, WF-23).
 * Step errors do not fail the definition: the Workflow stays bound to its kind (CTL-5)
 * and each run reports them (WF-10). Every named Logic is a dependency (WF-31).
 */
export const prepareWorkflow: Preparer<PreparedWorkflow> = (definition, lookup) => {
  const dependsOn = logicReferences(definition.spec);
  const validated = validateSpec(definition);
  if (!validated.ok) return { ok: false, outcome: validated.outcome, dependsOn, problems: validated.problems };
  const cycle = findReferenceCycle(definition.name, validated.spec, lookup);
  if (cycle !== undefined) return cycleFailure(definition, cycle, dependsOn);
  const prepared = prepareSteps(definition, validated.spec, lookup);
  return { ok: true, value: prepared, dependsOn, ...(prepared.problems.length > 0 && { warnings: prepared.problems }) };
};

function prepareSteps(definition: Definition, spec: ValueMap, lookup: DefinitionLookup): PreparedWorkflow {
  const stepSpecs = isList(spec.steps) ? spec.steps.filter(isMap) : [];
  const steps: PreparedStep[] = [];
  const errors: StepError[] = [];
  const seen = new Set<string>();
  if (stepSpecs.length === 0) {
    errors.push({ outcome: Outcome.permFail("No steps specified Workflow at least one step in 'spec.steps' is required."), path: "spec.steps" });
  }
  stepSpecs.forEach((stepSpec, index) => {
    const label = String(stepSpec.label);
    if (seen.has(label)) {
      errors.push({ outcome: Outcome.permFail(`Duplicate step-label (${label}) can not prepare Workflow.`), path: `spec.steps[${index}].label` });
      return;
    }
    const result = prepareStep(stepSpec, index, seen, lookup);
    seen.add(label);
    errors.push(...result.errors);
    if (result.step) steps.push(result.step);
  });
  const crdRef = parseCrdRef(spec.crdRef);
  return Object.freeze({
    kind: "Workflow" as const,
    name: definition.name,
    ...(crdRef && { crdRef }),
    steps: Object.freeze(steps),
    // Every dependency is listed earlier (WF-9), so declaration order is topological.
    topologicalOrder: Object.freeze(steps.map((s) => s.label)),
    stepsReady: errors.length === 0 ? Outcome.ok(null) : combineOutcomes(errors.map((e) => e.outcome)),
    problems: Object.freeze(errors.map((e) => toProblem(definition, e.path, e.outcome))),
  });
}

function cycleFailure(definition: Definition, cycle: readonly string[], dependsOn: PrepareOutcome<never>["dependsOn"]): PrepareOutcome<PreparedWorkflow> {
  const outcome = Outcome.permFail(`Workflow reference cycle: ${cycle.join(" -> ")}.`);
  return { ok: false, outcome, dependsOn, problems: [toProblem(definition, "spec.steps", outcome)] };
}

function toProblem(definition: Definition, path: string, outcome: Outcome): Problem {
  const position = definition.positionOf(path);
  const message = "message" in outcome && outcome.message !== undefined ? outcome.message : outcome.kind;
  return {
    severity: "error",
    message,
    kind: "Workflow",
    name: definition.name,
    path,
    ...(definition.namespace !== undefined && { namespace: definition.namespace }),
    ...(position && { file: position.file, line: position.line, column: position.column }),
  };
}

declare module "../definitions/index.ts" {
  /** The registry holds a PreparedWorkflow for every Workflow (typed lookups, no casts). */
  interface PreparedKinds {
    Workflow: PreparedWorkflow;
  }
}
