/**
 * Workflows: the step graph (prepare), runs, parent status, one reconcile of a trigger.
 * May import: cluster (port), definitions, expressions, logic, outcome, ports, value.
 */
/**
 * @module workflow — Workflow prepare (the step DAG), run (forEach, refSwitch,
 * sub-Workflows), parent status and one reconcile of a trigger (workflow.md WF/ST/CTL).
 * Imports: outcome, value, expressions, logic, definitions, cluster port, ports.
 */
export { prepareWorkflow } from "./prepare.ts";
export type { LogicTarget, PreparedStep, PreparedWorkflow, StepLogic } from "./prepared-workflow.ts";
export { boundKindOf, kindKey, parseCrdRef, type CrdRef } from "./crd-ref.ts";
export { runWorkflow } from "./run.ts";
export type { RunOptions, StepReport, WorkflowRun } from "./run-context.ts";
export { realTimer, type Budget, type Timer } from "./budget.ts";
export {
  type Alongside,
  DEFAULT_RECONCILE_CONFIG,
  reconcileTrigger,
  type ReconcileConfig,
  type ReconcileDeps,
  type ReconcileReport,
} from "./reconcile-trigger.ts";
export { boundKinds, workflowsForKey, type BoundKind, type WorkflowCatalog } from "./catalog.ts";
export { triggerHash } from "./trigger-hash.ts";
export { workflowVersion } from "./workflow-version.ts";
export { workflowProblems } from "./problems.ts";
export { selectWorkflow, WORKFLOW_ANNOTATION, type Selection } from "./select-workflow.ts";
export { conditionFor, conditionTime } from "./conditions.ts";
export { CONTESTED_CONDITION, writeParentPatch } from "./parent-status.ts";
export { sha256Hex } from "./sha256.ts";
