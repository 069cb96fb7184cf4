import type { ClusterApi } from "../cluster/index.ts";
import type { DefinitionLookup } from "../definitions/index.ts";
import type { Owner, ResourceDrift } from "../logic/index.ts";
import type { Outcome } from "../outcome/index.ts";
import type { Value, ValueMap } from "../value/index.ts";
import type { Budget } from "./budget.ts";
import type { PreparedWorkflow } from "./prepared-workflow.ts";

/** What one Workflow run needs from outside (ports only). */
export interface RunOptions {
  readonly cluster: ClusterApi;
  /** Current definitions, for ResourceTemplates looked up per reconcile (RT-5). */
  readonly definitions: DefinitionLookup;
  /** WF-19: the top-level trigger, passed to every ResourceFunction, also inside sub-Workflows. */
  readonly owner?: Owner;
  readonly budget: Budget;
  /** WF-28: aborted when the enclosing budget runs out; passed to every ResourceFunction. */
  readonly signal?: AbortSignal;
  /**
   * Told of every ResourceFunction write that put back another field manager's change, wherever the
   * function runs (forEach, sub-Workflows): a side channel, so outcomes and step reports stay as they are.
   */
  readonly onDrift?: (drift: ResourceDrift) => void;
}

/** Per-run context: the options plus the top-level Workflow name used in every location (WF-20). */
export interface RunContext extends RunOptions {
  readonly workflowName: string;
  /** Runs a sub-Workflow; injected so step code does not import the scheduler. */
  readonly runWorkflow: (workflow: PreparedWorkflow, parent: Value, context: RunContext) => Promise<WorkflowRun>;
}

/** What a Logic call (or a whole step) yields: its outcome and its ST-11 managed-resources entry. */
export interface LogicResult {
  readonly outcome: Outcome;
  readonly resources: Value;
}

/** One step as reported, in declaration order (WF-11). */
export interface StepReport {
  readonly label: string;
  readonly outcome: Outcome;
  /** ST-11 entry: identity record, nested sub-Workflow object, forEach list, or null. */
  readonly resources: Value;
  /** WF-29: present when the step declares `condition`. */
  readonly condition?: { readonly type: string; readonly name: string };
}

export interface WorkflowRun {
  /** WF-27 (or WF-10's prepare outcome when no step ran). */
  readonly outcome: Outcome;
  /** Empty when no step ran (WF-10). */
  readonly steps: readonly StepReport[];
  /** WF-30: merged in declaration order. */
  readonly state: ValueMap;
  /** WF-30: label → `<message> at <location>` or `Invalid state type (<type>)`. */
  readonly stateErrors: Readonly<Record<string, string>>;
  /** ST-11: `{workflow, resources}`, or `{}` when no step ran. */
  readonly managedResources: ValueMap;
}
