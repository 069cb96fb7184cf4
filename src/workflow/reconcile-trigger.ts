import type { ClusterApi, ClusterError, KubeObject, ObjectRef } from "../cluster/index.ts";
import { isTransient, metadataOf, objectKey, resourceVersionOf, uidOf } from "../cluster/index.ts";
import type { Owner, ResourceDrift } from "../logic/index.ts";
import { Outcome } from "../outcome/index.ts";
import type { Clock } from "../ports/index.ts";
import type { Logger } from "../ports/index.ts";
import { deepMerge, isMap, type Value, type ValueMap } from "../value/index.ts";
import { realTimer, type Timer } from "./budget.ts";
import type { WorkflowCatalog } from "./catalog.ts";
import { conditionTime } from "./conditions.ts";
import { patchChanges, runPatch, selectionErrorPatch, writeParentPatch, type StatusOptions } from "./parent-status.ts";
import { runWorkflow } from "./run.ts";
import { selectWorkflow } from "./select-workflow.ts";
import { triggerHash } from "./trigger-hash.ts";
import { workflowVersion } from "./workflow-version.ts";

/** CTL-20 values, configurable. */
export interface ReconcileConfig {
  /** CTL-9: next run after a selection error. */
  readonly selectionRetrySeconds: number;
  /** WF-28: budget of one Workflow run, each sub-Workflow run and each forEach. */
  readonly stepBudgetMs: number;
  /** ST-4 recommendation (opt-in): standard True/False/Unknown condition statuses. */
  readonly standardConditionStatus: boolean;
  /** Timer behind the step budget; tests inject one. */
  readonly timer: Timer;
  readonly fieldManager: string;
}

export const DEFAULT_RECONCILE_CONFIG: ReconcileConfig = Object.freeze({
  selectionRetrySeconds: 120,
  stepBudgetMs: 10_000,
  standardConditionStatus: false,
  timer: realTimer,
  fieldManager: "koreo",
});

export interface ReconcileDeps {
  /** The controller's own cluster: the trigger is read and patched here (ST-1). */
  readonly cluster: ClusterApi;
  /**
   * CTL-19: a remote cluster for everything ResourceFunctions do (reads, creates, patches,
   * deletes, discovery). Owner references still name the trigger. Absent: `cluster`.
   */
  readonly managedCluster?: ClusterApi;
  readonly definitions: WorkflowCatalog;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config?: Partial<ReconcileConfig>;
}

export interface ReconcileReport {
  /** Which trigger (a request is only an identity, read fresh), with what the read showed. */
  readonly trigger: ObjectRef & { readonly uid?: string; readonly resourceVersion?: string };
  /**
   * `system-error`: the trigger could not be read or written (other than NotFound), or our
   * code threw; the caller applies the CTL-14 system-error backoff (SRV-7).
   */
  readonly status: "reconciled" | "not-found" | "terminating" | "selection-error" | "system-error";
  readonly workflow?: string;
  /** For `selection-error`: why no Workflow could run (ST-12: NoWorkflow, MultipleWorkflows, WorkflowNotReady…). */
  readonly selectionReason?: string;
  /** SRV-3: digest of the Workflow and everything it transitively references. */
  readonly workflowVersion?: string;
  /** CTL-8 with its recommendation, of the trigger as read. */
  readonly triggerHash?: string;
  readonly outcome: Outcome;
  /** The merge patch sent (or that would be sent); undefined when nothing changed (ST-2). */
  readonly patch?: Value;
  readonly steps: ReadonlyArray<{ readonly label: string; readonly outcome: Outcome["kind"]; readonly message?: string }>;
  /** For `system-error`: what went wrong. */
  readonly error?: string;
  /**
   * For `system-error`: the status write failed in a way a second try soon may not (5xx, 429, a
   * network failure, a 409 from a concurrent writer), as opposed to a refused patch (400/422/403).
   */
  readonly transient?: true;
  /** Writes of this run that put back another field manager's change (logic drift.ts); absent when none. */
  readonly drifts?: readonly ResourceDrift[];
  /**
   * With `alongside`: its patch is on the trigger, sent in this run's write (the trigger as written)
   * or already there, nothing needing a write ("unchanged"). Absent when the write failed or the
   * run ended before writing.
   */
  readonly alongsideWritten?: KubeObject | "unchanged";
}

/**
 * Asked right before the trigger is written, with the report so far: a patch of the trigger's
 * metadata the caller wants in the same write (the runtime's record: one write, not two), or
 * undefined for none.
 */
export type Alongside = (report: ReconcileReport) => Promise<ValueMap | undefined>;

/**
 * One reconcile of one trigger (CTL-9, CTL-11, CTL-12, CTL-16, ST-1..ST-12): read it,
 * pick its Workflow, run it, write one merge patch when something changed. Never
 * rejects: failures become a report. The gate, queue and timers belong to the caller.
 */
/** `current`: the trigger as the caller just read it (the runtime's gate did), so it is not read twice. */
export async function reconcileTrigger(ref: ObjectRef, deps: ReconcileDeps, current?: KubeObject, alongside?: Alongside): Promise<ReconcileReport> {
  const config = { ...DEFAULT_RECONCILE_CONFIG, ...deps.config };
  try {
    return await reconcileOnce(ref, deps, { ...config, alongside }, current);
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    deps.logger.error("Unexpected error reconciling trigger.", { trigger: ref, error: text });
    return systemError(ref, text);
  }
}

type RunConfig = ReconcileConfig & { readonly alongside: Alongside | undefined };

async function reconcileOnce(ref: ObjectRef, deps: ReconcileDeps, config: RunConfig, current: KubeObject | undefined): Promise<ReconcileReport> {
  const read = current === undefined ? await deps.cluster.get(objectRef(ref)) : { ok: true as const, value: current };
  if (!read.ok) return read.error.reason === "NotFound" ? notFound(ref) : systemError(ref, describe(read.error));
  const trigger = read.value;
  const identity = identityOf(ref, trigger);
  const hash = triggerHash(trigger);
  // CTL-16 recommendation: writing to a terminating trigger could re-create its children.
  if (isMap(trigger.metadata) && trigger.metadata.deletionTimestamp) {
    return { trigger: identity, status: "terminating", triggerHash: hash, outcome: Outcome.skip("Trigger is terminating."), steps: [] };
  }
  const status: StatusOptions = { now: conditionTime(deps.clock.now()), standardStatus: config.standardConditionStatus };
  const selection = selectWorkflow(trigger, deps.definitions);
  if (!selection.ok) {
    const patch = selectionErrorPatch(trigger, selection.reason, selection.message, status);
    const base: ReconcileReport = {
      trigger: identity,
      status: "selection-error",
      selectionReason: selection.reason,
      triggerHash: hash,
      outcome: Outcome.retry(config.selectionRetrySeconds, selection.message),
      steps: [],
      ...(selection.name !== undefined && { workflow: selection.name, workflowVersion: workflowVersion(selection.name, deps.definitions) }),
    };
    return write(trigger, patch, base, deps, config);
  }
  deps.logger.info(`Reconciling ${objectKey(ref)} using Workflow ${selection.name}.`, { trigger: objectKey(ref), workflow: selection.name });
  const drifts: ResourceDrift[] = [];
  const run = await runWorkflow(selection.workflow, triggerView(trigger), {
    cluster: deps.managedCluster ?? deps.cluster,
    definitions: deps.definitions,
    owner: ownerOf(trigger),
    budget: { ms: config.stepBudgetMs, timer: config.timer },
    onDrift: (drift) => void drifts.push(drift),
  });
  const base: ReconcileReport = {
    trigger: identity,
    status: "reconciled",
    workflow: selection.name,
    workflowVersion: workflowVersion(selection.name, deps.definitions),
    triggerHash: hash,
    outcome: run.outcome,
    steps: run.steps.map((s) => ({
      label: s.label,
      outcome: s.outcome.kind,
      ...("message" in s.outcome && s.outcome.message !== undefined && { message: s.outcome.message }),
    })),
    ...(drifts.length > 0 && { drifts }),
  };
  return write(trigger, runPatch(trigger, run, selection.name, status), base, deps, config);
}

/** ST-1/ST-2: write what changed (`writeParentPatch`), with the caller's `alongside` patch, nothing when nothing did. */
async function write(trigger: KubeObject, patch: ValueMap, report: ReconcileReport, deps: ReconcileDeps, config: RunConfig): Promise<ReconcileReport> {
  const extra = await config.alongside?.(report);
  const changed = patchChanges(trigger, patch);
  // ST-2: an unchanged status is not sent again because the caller's patch has something to write.
  const sent = extra === undefined ? patch : changed ? deepMerge(patch, extra) : extra;
  const tracked = config.alongside === undefined ? {} : { alongsideWritten: "unchanged" as const };
  if (!(sent === patch ? changed : patchChanges(trigger, sent))) return { ...report, ...tracked };
  const written = await writeParentPatch(deps.cluster, objectRef(report.trigger), trigger, sent, config.fieldManager);
  if (!written.ok) return writeFailed(report, written.error, patch);
  const resourceVersion = resourceVersionOf(written.value);
  const reported = { ...report, trigger: { ...report.trigger, ...(resourceVersion !== undefined && { resourceVersion }) } };
  return {
    ...reported,
    ...(changed && { patch }),
    ...(config.alongside !== undefined && { alongsideWritten: written.value }),
  };
}

/** CTL-12: a 404 while patching means the trigger is gone (the caller tombstones it). */
function writeFailed(report: ReconcileReport, error: ClusterError, patch: Value): ReconcileReport {
  if (error.reason === "NotFound") return { ...report, status: "not-found", patch };
  const transient = isTransient(error.reason) || error.reason === "Conflict";
  return { ...report, status: "system-error", patch, error: describe(error), ...(transient && { transient: true as const }) };
}

/** WF-17: `{metadata, spec, state}` and nothing else. */
function triggerView(trigger: KubeObject): Value {
  const status = isMap(trigger.status) ? trigger.status : {};
  return { metadata: trigger.metadata ?? {}, spec: trigger.spec ?? null, state: status.state ?? null };
}

/** WF-19 / RF-24: the top-level trigger owns what every ResourceFunction manages. */
function ownerOf(trigger: KubeObject): Owner {
  const metadata = metadataOf(trigger);
  return {
    namespace: typeof metadata.namespace === "string" ? metadata.namespace : "",
    reference: {
      apiVersion: String(trigger.apiVersion),
      kind: String(trigger.kind),
      name: String(metadata.name),
      uid: String(metadata.uid ?? ""),
      blockOwnerDeletion: true,
      controller: false,
    },
  };
}

function identityOf(ref: ObjectRef, trigger: KubeObject): ReconcileReport["trigger"] {
  const uid = uidOf(trigger);
  const resourceVersion = resourceVersionOf(trigger);
  return { ...objectRef(ref), ...(uid !== undefined && { uid }), ...(resourceVersion !== undefined && { resourceVersion }) };
}

function objectRef(ref: ObjectRef): ObjectRef {
  return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, ...(ref.namespace !== undefined && { namespace: ref.namespace }) };
}

function notFound(ref: ObjectRef): ReconcileReport {
  return { trigger: { ...ref }, status: "not-found", outcome: Outcome.skip("Trigger not found."), steps: [] };
}

function systemError(ref: ObjectRef, error: string): ReconcileReport {
  return { trigger: { ...ref }, status: "system-error", outcome: Outcome.retry(undefined, error), steps: [], error };
}

function describe(error: ClusterError): string {
  return `${error.reason}${error.status !== undefined ? ` (${error.status})` : ""}: ${error.message}`;
}
