import type { Scope } from "../expressions/index.ts";
import { runResourceFunction, runValueFunction, type ManagedResourceRecord } from "../logic/index.ts";
import { Outcome } from "../outcome/index.ts";
import type { Value } from "../value/index.ts";
import { celTypeName, valueText } from "./cel-type.ts";
import type { LogicTarget, StepLogic } from "./prepared-workflow.ts";
import type { LogicResult, RunContext } from "./run-context.ts";
import { prefixWorkflowLocation } from "./workflow-location.ts";

/**
 * Runs a step's Logic once with evaluated `inputs` (WF-18..22). `location` names this call
 * (`<wf>.spec.steps.<label>` or `…[<i>]` inside a forEach).
 */
export async function callLogic(logic: StepLogic, inputs: Value, scope: Scope, location: string, ctx: RunContext): Promise<LogicResult> {
  if (logic.type === "ref") return callTarget(logic.target, inputs, location, ctx);
  const switchOn = logic.switchOn.evaluate({ ...scope, inputs });
  if (!switchOn.ok) return { outcome: switchOn.outcome, resources: null };
  const value = switchOn.value;
  if (typeof value !== "string" && typeof value !== "bigint") {
    const message = `\`switchOn\` must evaluate to a string or int value, received '${valueText(value)}' a ${celTypeName(value)}`;
    return { outcome: Outcome.permFail(message, `${location}.refSwitch.switchOn`), resources: null };
  }
  // WF-22 recommendation: an int matches the case spelled as its decimal string.
  const key = value.toString();
  const target = logic.cases.get(key) ?? logic.defaultCase;
  if (target === undefined) {
    const message =
      `\`refSwitch\` must match one case or a default must be provided, failed to match '${key}'` +
      ` a ${celTypeName(value)}. Use a \`skipIf\` guard if this is expected.`;
    return { outcome: Outcome.permFail(message, `${location}.refSwitch.${key}`), resources: null };
  }
  return callTarget(target, inputs, `${location}.refSwitch['${key}']`, ctx);
}

async function callTarget(target: LogicTarget, inputs: Value, location: string, ctx: RunContext): Promise<LogicResult> {
  switch (target.kind) {
    case "ValueFunction":
      return { outcome: locate(runValueFunction(target.fn, inputs), location), resources: null };
    case "ResourceFunction": {
      const context = { cluster: ctx.cluster, definitions: ctx.definitions, ...(ctx.owner && { owner: ctx.owner }), ...(ctx.signal && { signal: ctx.signal }) };
      const result = await runResourceFunction(target.fn, inputs, context);
      if (result.drift !== undefined) ctx.onDrift?.(result.drift);
      return { outcome: locate(result.outcome, location), resources: result.resource ? recordValue(result.resource) : null };
    }
    case "Workflow":
      return callSubWorkflow(target, inputs, ctx);
  }
}

/** WF-20: the sub-Workflow sees the inputs as `parent`; only its outcome, state and resources surface. */
async function callSubWorkflow(target: Extract<LogicTarget, { kind: "Workflow" }>, inputs: Value, ctx: RunContext): Promise<LogicResult> {
  const workflow = target.workflow;
  if (workflow.stepsReady.kind !== "Ok") {
    return { outcome: prefixWorkflowLocation(workflow.stepsReady, ctx.workflowName), resources: {} };
  }
  const run = await ctx.runWorkflow(workflow, inputs, ctx);
  const outcome = run.outcome.kind === "Ok" ? Outcome.ok(run.state) : run.outcome;
  return { outcome, resources: run.managedResources };
}

/** Decision: a Logic outcome keeps its own location; one without gets the calling step's. */
function locate(outcome: Outcome, location: string): Outcome {
  if (outcome.kind === "Ok" || outcome.location !== undefined) return outcome;
  return { ...outcome, location };
}

/** RF-27 / ST-11: the identity record with its keys in the reference order. */
function recordValue(record: ManagedResourceRecord): Value {
  return {
    apiVersion: record.apiVersion,
    kind: record.kind,
    plural: record.plural,
    name: record.name,
    readonly: record.readonly,
    ...(record.namespace !== undefined && { namespace: record.namespace }),
    resourceFunction: record.resourceFunction,
  };
}
