/**
 * The port through which the reconciler runs a Workflow for one trigger: the engine's
 * `reconcileTrigger`, seen through the slice of its report the runtime consumes (derived,
 * not copied), so tests can pass a fake and the composition roots pass the real engine.
 */
import type { KubeObject } from "../cluster/index.ts";
import type { TriggerRef } from "../queue/index.ts";
import type { Logger } from "../ports/index.ts";
import type { ValueMap } from "../value/index.ts";
import type { ReconcileReport } from "../workflow/index.ts";

/** What a run reported, as decide, the Event and the log line need it. */
export type RunReport = Pick<ReconcileReport, "status" | "outcome"> &
  Partial<Pick<ReconcileReport, "workflow" | "selectionReason" | "workflowVersion" | "steps" | "error" | "transient" | "drifts" | "alongsideWritten">>;

/**
 * `current` is the trigger the gate just read: the run uses it instead of reading it again (one GET
 * per reconcile). `alongside` gives the metadata patch (the record) to send in the run's own write
 * of the trigger, asked with the report right before that write; `alongsideWritten` says it landed.
 * `logger` is the request's (its SQS message id and trigger on every line); default: the container's.
 */
export type RunReconcile = (
  trigger: TriggerRef,
  current?: KubeObject,
  alongside?: (report: RunReport) => Promise<ValueMap | undefined>,
  logger?: Logger,
) => Promise<RunReport>;

/** The SRV-3 version of the Workflow a trigger would run now, when it can be told before running (CTL-10 check). */
export type WorkflowVersionOf = (trigger: KubeObject) => string | undefined;
