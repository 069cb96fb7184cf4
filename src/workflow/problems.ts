import type { PrepareOutcome, Problem } from "../definitions/index.ts";
import type { PreparedWorkflow } from "./prepared-workflow.ts";

/**
 * For `koreo validate`: every problem of a prepared Workflow with its field path
 * (`spec.steps[3].ref`) and, for file-loaded definitions, file:line. A failed preparation
 * carries its problems; a successful one carries its step errors (WF-5..9, WF-21, WF-23),
 * which are errors to a validator even though the Workflow still binds its kind (CTL-5).
 */
export function workflowProblems(prepared: PrepareOutcome<PreparedWorkflow>): readonly Problem[] {
  return prepared.ok ? prepared.value.problems : prepared.problems;
}
