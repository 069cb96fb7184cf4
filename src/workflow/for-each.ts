import type { Scope } from "../expressions/index.ts";
import { combineOutcomes, renderOutcome } from "../outcome/index.ts";
import { Outcome } from "../outcome/index.ts";
import { isList, isMap, type Value } from "../value/index.ts";
import { budgetScope, CRASH_DELAY, crashMessage, settleWithin, TIMEOUT_DELAY, timeoutMessage } from "./budget.ts";
import { celTypeName } from "./cel-type.ts";
import { callLogic } from "./logic-call.ts";
import type { PreparedStep } from "./prepared-workflow.ts";
import type { LogicResult, RunContext } from "./run-context.ts";

/**
 * WF-24/WF-25: the step's Logic (or refSwitch, or sub-Workflow) once per item, all
 * concurrently within their own budget (WF-28), reported in item order.
 */
export async function runForEach(
  step: PreparedStep,
  forEach: NonNullable<PreparedStep["forEach"]>,
  inputs: Value,
  scope: Scope,
  location: string,
  ctx: RunContext,
): Promise<LogicResult> {
  const items = forEach.itemIn.evaluate(scope);
  if (!items.ok) return { outcome: items.outcome, resources: null };
  if (!isList(items.value)) {
    const message = `Step \`${location}.forEach.itemIn\` must be a list-type, received ${celTypeName(items.value)}.`;
    return { outcome: Outcome.permFail(message, `${location}.forEach.itemIn`), resources: null };
  }
  if (items.value.length === 0) return { outcome: Outcome.ok([]), resources: null };
  const base = isMap(inputs) ? inputs : {};
  const results: Array<LogicResult | undefined> = items.value.map(() => undefined);
  const budget = budgetScope(ctx.signal);
  const inScope: RunContext = { ...ctx, signal: budget.signal };
  const tasks = items.value.map((item, i) => {
    const itemInputs = { ...base, [forEach.inputKey]: item };
    return callLogic(step.logic, itemInputs, scope, `${location}[${i}]`, inScope).then(
      (result) => void (results[i] = result),
      (error: unknown) => void (results[i] = { outcome: Outcome.retry(CRASH_DELAY, crashMessage(step.label, error), `${location}[${i}]`), resources: null }),
    );
  });
  await settleWithin(tasks, ctx.budget, budget);
  const settled = results.map((r, i) => r ?? { outcome: Outcome.retry(TIMEOUT_DELAY, timeoutMessage(step.label), `${location}[${i}]`), resources: null });
  return { outcome: combineItems(settled.map((r) => r.outcome)), resources: settled.map((r) => r.resources) };
}

/** WF-24 steps 4–5: errors combine per OUT-4; otherwise Ok with values and skip markers in item order. */
function combineItems(outcomes: readonly Outcome[]): Outcome {
  const errors = outcomes.filter(Outcome.isError);
  if (errors.length > 0) return combineOutcomes(errors);
  return Outcome.ok(outcomes.map((o) => (o.kind === "Ok" ? o.value : renderOutcome(o))));
}
