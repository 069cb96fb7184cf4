import type { Scope } from "../expressions/index.ts";
import { Outcome } from "../outcome/index.ts";
import type { Value, ValueMap } from "../value/index.ts";
import { celTypeName, valueText } from "./cel-type.ts";
import { runForEach } from "./for-each.ts";
import { callLogic } from "./logic-call.ts";
import type { PreparedStep } from "./prepared-workflow.ts";
import type { LogicResult, RunContext } from "./run-context.ts";
import { stepLocation } from "./workflow-location.ts";

/**
 * One step after its dependencies finished (WF-13): dependency check, inputs, skipIf,
 * then the Logic once or per forEach item. `done` maps each dependency's label to its outcome.
 */
export async function runStep(step: PreparedStep, parent: Value, done: ReadonlyMap<string, Outcome>, ctx: RunContext): Promise<LogicResult> {
  const location = stepLocation(ctx.workflowName, step.label);
  const blocked = firstBlockedDependency(step, done);
  if (blocked !== undefined) return { outcome: Outcome.depSkip(blocked, location), resources: null };
  const scope = stepScope(step, parent, done);
  const inputs = step.inputs ? step.inputs.evaluate(scope) : { ok: true as const, value: {} };
  if (!inputs.ok) return { outcome: inputs.outcome, resources: null };
  const skip = evaluateSkipIf(step, scope, location);
  if (skip !== undefined) return { outcome: skip, resources: null };
  if (step.forEach) return runForEach(step, step.forEach, inputs.value, scope, location, ctx);
  return callLogic(step.logic, inputs.value, scope, location, ctx);
}

/** WF-14: the first non-Ok dependency in declaration order (recommendation), as a message. */
function firstBlockedDependency(step: PreparedStep, done: ReadonlyMap<string, Outcome>): string | undefined {
  for (const label of step.dependencies) {
    const outcome = done.get(label);
    if (outcome === undefined || outcome.kind === "Ok") continue;
    const detail = `${outcome.message ?? "None"} at ${outcome.location ?? "None"}`;
    switch (outcome.kind) {
      case "DepSkip":
        return `'${label}' is waiting on dependency (${detail}).`;
      case "Skip":
        return `'${label}' was skipped (${detail}).`;
      case "Retry":
        return `'${label}' is waiting (${detail}).`;
      case "PermFail":
        return `'${label}' is in failure state (${detail}).`;
    }
  }
  return undefined;
}

/** WF-12: `parent`, plus `steps` holding only this step's dependencies' Ok values. */
function stepScope(step: PreparedStep, parent: Value, done: ReadonlyMap<string, Outcome>): Scope {
  if (step.dependencies.length === 0) return { parent };
  const steps: ValueMap = {};
  for (const label of step.dependencies) {
    const outcome = done.get(label);
    if (outcome?.kind === "Ok") steps[label] = outcome.value;
  }
  return { parent, steps };
}

/** WF-15: `undefined` means "run the step". */
function evaluateSkipIf(step: PreparedStep, scope: Scope, location: string): Outcome | undefined {
  if (step.skipIf === undefined) return undefined;
  const result = step.skipIf.evaluate(scope);
  if (!result.ok) return result.outcome;
  if (result.value === true) return Outcome.skip("skipped by workflow");
  if (result.value === false) return undefined;
  const message = `\`skipIf\` must evaluate to a bool, received '${valueText(result.value)}' a ${celTypeName(result.value)}`;
  return Outcome.permFail(message, `${location}.skipIf`);
}
