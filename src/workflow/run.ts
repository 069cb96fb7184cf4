import { combineOutcomes } from "../outcome/index.ts";
import { Outcome } from "../outcome/index.ts";
import type { Value, ValueMap } from "../value/index.ts";
import { budgetScope, CRASH_DELAY, crashMessage, settleWithin, TIMEOUT_DELAY, timeoutMessage } from "./budget.ts";
import type { PreparedStep, PreparedWorkflow } from "./prepared-workflow.ts";
import type { LogicResult, RunContext, RunOptions, StepReport, WorkflowRun } from "./run-context.ts";
import { mergeStepState } from "./step-state.ts";
import { runStep } from "./step.ts";
import { prefixWorkflowLocation, stepLocation } from "./workflow-location.ts";

/**
 * Runs a prepared Workflow once (kro's runtime): the top-level entry point.
 * `parent` is the trigger view (WF-17); `workflowName` defaults to the Workflow's own.
 */
export function runWorkflow(workflow: PreparedWorkflow, parent: Value, options: RunOptions): Promise<WorkflowRun> {
  return runWithin(workflow, parent, { ...options, workflowName: workflow.name, runWorkflow: runWithin });
}

/** One run with its own budget (WF-28): also used for sub-Workflows, keeping the top-level name (WF-20). */
async function runWithin(workflow: PreparedWorkflow, parent: Value, ctx: RunContext): Promise<WorkflowRun> {
  if (workflow.stepsReady.kind !== "Ok") {
    const outcome = prefixWorkflowLocation(workflow.stepsReady, ctx.workflowName);
    return { outcome, steps: [], state: {}, stateErrors: {}, managedResources: {} };
  }
  const results = await schedule(workflow.steps, parent, ctx);
  const steps: StepReport[] = workflow.steps.map((step) => ({
    label: step.label,
    outcome: results.get(step.label)?.outcome ?? Outcome.retry(TIMEOUT_DELAY, timeoutMessage(step.label), stepLocation(ctx.workflowName, step.label)),
    resources: results.get(step.label)?.resources ?? null,
    ...(step.condition && { condition: step.condition }),
  }));
  const { state, stateErrors } = mergeStepState(workflow.steps, steps);
  const resources: ValueMap = {};
  for (const report of steps) resources[report.label] = report.resources;
  return {
    outcome: combineOutcomes(steps.map((s) => s.outcome)),
    steps,
    state,
    stateErrors,
    managedResources: { workflow: workflow.name, resources },
  };
}

/**
 * WF-11: every step starts when its dependencies have finished; independent steps run
 * concurrently. Steps unfinished at the deadline are missing from the result (WF-28).
 */
async function schedule(steps: readonly PreparedStep[], parent: Value, ctx: RunContext): Promise<Map<string, LogicResult>> {
  const results = new Map<string, LogicResult>();
  const outcomes = new Map<string, Outcome>();
  const running = new Map<string, Promise<void>>();
  const scope = budgetScope(ctx.signal);
  const inScope: RunContext = { ...ctx, signal: scope.signal };
  for (const step of steps) {
    const dependencies = step.dependencies.map((label) => running.get(label) ?? Promise.resolve());
    const task = Promise.all(dependencies)
      .then(() => runStep(step, parent, outcomes, inScope))
      .catch((error: unknown) => crashed(step, error, ctx))
      .then((result) => {
        results.set(step.label, result);
        outcomes.set(step.label, result.outcome);
      });
    running.set(step.label, task);
  }
  await settleWithin([...running.values()], ctx.budget, scope);
  return results;
}

/** WF-28: an unexpected throw ends only this step (recommendation: siblings keep running). */
function crashed(step: PreparedStep, error: unknown, ctx: RunContext): LogicResult {
  return { outcome: Outcome.retry(CRASH_DELAY, crashMessage(step.label, error), stepLocation(ctx.workflowName, step.label)), resources: null };
}
