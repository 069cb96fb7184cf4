import type { ValueMap } from "../value/index.ts";
import { isMap } from "../value/index.ts";
import { celTypeName } from "./cel-type.ts";
import type { PreparedStep } from "./prepared-workflow.ts";
import type { StepReport } from "./run-context.ts";

/**
 * WF-30: Ok steps with `state` contribute their top-level keys, merged shallowly in
 * declaration order; failures become state errors and never change any outcome.
 */
export function mergeStepState(steps: readonly PreparedStep[], reports: readonly StepReport[]): { state: ValueMap; stateErrors: Record<string, string> } {
  const state: ValueMap = {};
  const stateErrors: Record<string, string> = {};
  steps.forEach((step, i) => {
    const outcome = reports[i]?.outcome;
    if (step.state === undefined || outcome?.kind !== "Ok") return;
    const result = step.state.evaluate({ value: outcome.value });
    if (!result.ok) {
      stateErrors[step.label] = `${result.outcome.message ?? "None"} at ${result.outcome.location ?? "None"}`;
      return;
    }
    if (!isMap(result.value)) {
      stateErrors[step.label] = `Invalid state type (${celTypeName(result.value)})`;
      return;
    }
    Object.assign(state, result.value);
  });
  return { state, stateErrors };
}
