/**
 * The port through which the reconciler runs a Workflow for one trigger. It is
 * the slice of the engine's `reconcileTrigger` report the runtime consumes, so
 * tests can pass a fake and the composition roots pass the real engine.
 */
import type { Outcome, OutcomeKind } from "../outcome/outcome.ts";
import type { KubeObject } from "../cluster/cluster-api.ts";
import type { TriggerRef } from "../queue/messages.ts";

export interface StepReport {
  readonly label: string;
  readonly outcome: OutcomeKind;
  readonly message?: string;
}

export interface RunReport {
  /** `system-error`: the engine could not read or write the trigger, or threw (SRV-7 backoff). */
  readonly status: "reconciled" | "not-found" | "terminating" | "selection-error" | "system-error";
  readonly workflow?: string;
  /** For `selection-error`: the ST-12 reason (NoWorkflow, WorkflowNotReady…), also the Event's. */
  readonly selectionReason?: string;
  readonly workflowVersion?: string;
  readonly outcome: Outcome;
  readonly steps?: readonly StepReport[];
  readonly error?: string;
}

/** `current` is the trigger the gate just read: the run uses it instead of reading it again (one GET per reconcile). */
export type RunReconcile = (trigger: TriggerRef, current?: KubeObject) => Promise<RunReport>;

/** The SRV-3 version of the Workflow a trigger would run now, when it can be told before running (CTL-10 check). */
export type WorkflowVersionOf = (trigger: KubeObject) => string | undefined;
