import type { Outcome } from "../outcome/index.ts";

/** WF-10: a prepare outcome reported by a run gets `<wf>:` in front of its location (recommendation: `<wf>` alone when none). */
export function prefixWorkflowLocation(outcome: Outcome, workflowName: string): Outcome {
  if (outcome.kind === "Ok") return outcome;
  const location = outcome.location === undefined ? workflowName : `${workflowName}:${outcome.location}`;
  return { ...outcome, location };
}

/** WF-14: where a step's run-time outcomes are reported. */
export function stepLocation(workflowName: string, label: string): string {
  return `${workflowName}.spec.steps.${label}`;
}
