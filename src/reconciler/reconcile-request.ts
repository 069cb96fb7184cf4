/**
 * One reconcile request, start to finish: GET the trigger → gate → run the
 * Workflow within its budget → decide → arm the timer → store the record, in
 * the run's own write of the trigger when it has one.
 * Outcomes and system errors are values; the returned promise rejects only when
 * the cluster or the timer queue cannot be reached, so SQS redelivers the
 * message (and, after maxReceiveCount, dead-letters it).
 */
import { objectKey, resourceVersionOf } from "../cluster/index.ts";
import type { ClusterApi, KubeObject } from "../cluster/index.ts";
import type { ControllerTimings } from "../config/index.ts";
import type { Clock } from "../ports/index.ts";
import type { Logger } from "../ports/index.ts";
import { type ReconcileRequest, type TriggerRef } from "../queue/index.ts";
import type { TimerQueue } from "../queue/index.ts";
import { changeHash } from "./change-hash.ts";
import { decide, type Decision } from "./decide.ts";
import { gate, type Basis, type GateDecision, type Observed, type ProceedReason } from "./gate.ts";
import type { Metrics } from "../ports/index.ts";
import type { ValueMap } from "../value/index.ts";
import { giveUpMessage, writeGiveUpCondition } from "./give-up.ts";
import { encodeRecord, readRecord, recordPatch, type GateRecord } from "./record.ts";
import { eventDigest, outcomeEvent, recordEvent, type OutcomeEvent } from "./events.ts";
import type { RunReconcile, RunReport, WorkflowVersionOf } from "./engine-port.ts";
import { Outcome } from "../outcome/index.ts";
import { armTimer } from "../timers/index.ts";
import { contestStatement, holdUntil, nextContest, objectName, type Contest } from "./contest.ts";
import { writeContestCondition } from "./contest-condition.ts";
import { compareVersions, createSeenMemory, dropWithoutGet, shellOf, type SeenMemory } from "./seen.ts";

export interface RequestReconcilerDeps {
  readonly cluster: ClusterApi;
  readonly run: RunReconcile;
  readonly timers: TimerQueue;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly timings: ControllerTimings;
  readonly workflowVersionOf?: WorkflowVersionOf;
  /** SRV-8: bring the container's definitions up to date; `changed` when the request says they moved. */
  readonly refreshDefinitions?: (changed: boolean) => Promise<void>;
  /** What this container knows about triggers it handled (seen.ts); default: a fresh bounded memory per reconciler. */
  readonly seen?: SeenMemory;
}

export type HandleResult =
  | { readonly status: "dropped"; readonly why: string }
  | { readonly status: "ran"; readonly report: RunReport; readonly decision: Decision; readonly durationMs: number };

/** `logger`: the request's own (sqs-batch.ts gives each record one with its message id); default: the container's. */
export type RequestReconciler = (request: ReconcileRequest, logger?: Logger) => Promise<HandleResult>;

/** A run's result and what the container learns from it (not part of the answer). */
type Ran = Extract<HandleResult, { status: "ran" }> & {
  readonly after: { readonly gone: boolean; readonly record: GateRecord | undefined; readonly written?: KubeObject };
};

export function createRequestReconciler(container: RequestReconcilerDeps): RequestReconciler {
  const seen = container.seen ?? createSeenMemory();
  return async (request, logger) => {
    const deps = logger === undefined ? container : { ...container, logger, run: withLogger(container.run, logger) };
    await deps.refreshDefinitions?.(request.reason === "definitions");
    const observedAt = deps.clock.now();
    const uid = request.trigger.uid;
    const known = seen.get(uid);
    // Drops that need no GET (seen.ts): only what this container can prove redundant.
    const redundant =
      known === undefined
        ? undefined
        : dropWithoutGet({ request, known, workflowVersionNow: deps.workflowVersionOf?.(known.shell), clockSkewMs: seen.clockSkewMs });
    if (redundant !== undefined) return dropped(deps, request, { why: redundant });
    const trigger = await getTrigger(deps.cluster, request.trigger);
    const observed = observe(trigger, request.trigger);
    const now = deps.clock.now();
    const versionNow = trigger === undefined ? undefined : await currentWorkflowVersion(deps, trigger, observed);
    const decision = gate({ request, observed, now, timings: deps.timings, ...(versionNow === undefined ? {} : { workflowVersion: versionNow }) });
    if (!decision.proceed) {
      const result = await dropped(deps, request, decision);
      learn(deps, seen, uid, observedAt, observed.kind === "present" ? trigger : undefined, {
        record: observed.kind === "present" ? observed.record : undefined,
      });
      return result;
    }
    const { after, ...result } = await runAndRecord(deps, request, trigger, decision.basis, decision.why);
    learn(deps, seen, uid, observedAt, after.gone ? undefined : trigger, after);
    return result;
  };
}

const withLogger =
  (run: RunReconcile, logger: Logger): RunReconcile =>
  (trigger, current, alongside) =>
    run(trigger, current, alongside, logger);

/**
 * After a request was handled to the end: what the container now knows (seen.ts). `trigger` is
 * what the GET showed (undefined: gone, forget it); `record`, the record on the trigger now (none:
 * nothing was recorded, so nothing is known either); `written`, the object our record write
 * returned, counts only while it still has the hash the record states (else someone changed the
 * trigger between our GET and our write, and that change has not been run).
 */
function learn(
  deps: RequestReconcilerDeps,
  seen: SeenMemory,
  uid: string,
  observedAt: number,
  trigger: KubeObject | undefined,
  after: { readonly record: GateRecord | undefined; readonly written?: KubeObject },
): void {
  const { record, written } = after;
  const read = trigger === undefined ? undefined : resourceVersionOf(trigger);
  if (trigger === undefined || read === undefined || record === undefined) return seen.forget(uid);
  const wrote = written !== undefined && record !== undefined && changeHash(written) === record.hash ? resourceVersionOf(written) : undefined;
  const resourceVersion = wrote !== undefined && compareVersions(wrote, read) === 1 ? wrote : read;
  const shell = shellOf(trigger);
  const workflowVersion = deps.workflowVersionOf?.(shell);
  seen.remember(uid, { resourceVersion, observedAt, shell, hash: record.hash, chain: record.chain, workflowVersion });
}

/**
 * The Workflow version this container would run (SRV-3). Containers re-list definitions at most
 * every TTL, so one may still hold definitions older than those the last run recorded; before a
 * version mismatch counts as "the Workflow changed", the definitions are re-listed at once, so
 * two containers never take turns re-running a trigger with their different views (SRV-8).
 */
async function currentWorkflowVersion(deps: RequestReconcilerDeps, trigger: KubeObject, observed: Observed): Promise<string | undefined> {
  const version = deps.workflowVersionOf?.(trigger);
  const recorded = observed.kind === "present" ? observed.record?.workflowVersion : undefined;
  if (version === undefined || recorded === undefined || version === recorded || deps.refreshDefinitions === undefined) return version;
  await deps.refreshDefinitions(true);
  return deps.workflowVersionOf?.(trigger);
}

/** A TriggerRef is an ObjectRef with the uid: the cluster reads it as it is. */
async function getTrigger(cluster: ClusterApi, ref: TriggerRef): Promise<KubeObject | undefined> {
  const got = await cluster.get(ref);
  if (got.ok) return got.value;
  if (got.error.reason === "NotFound") return undefined;
  throw new Error(`GET ${objectKey(ref)}: ${got.error.reason}: ${got.error.message}`);
}

/** A name re-used by a new object (other uid) is a different trigger: this request's trigger is gone (CTL-7). */
function observe(trigger: KubeObject | undefined, ref: TriggerRef): Observed {
  const metadata = trigger?.metadata;
  if (trigger === undefined || typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) return { kind: "gone" };
  if (metadata.uid !== ref.uid) return { kind: "gone" };
  const record = readRecord(trigger);
  const terminating = typeof metadata.deletionTimestamp === "string";
  return record === undefined
    ? { kind: "present", hash: changeHash(trigger), terminating }
    : { kind: "present", hash: changeHash(trigger), terminating, record };
}

/** A dropped request, by the gate after a GET or by what the container knew (seen.ts, `seen-*` reasons, no GET). */
async function dropped(
  deps: RequestReconcilerDeps,
  request: ReconcileRequest,
  decision: Pick<GateDecision & { proceed: false }, "rearm"> & { readonly why: string },
): Promise<HandleResult> {
  deps.metrics.count("GateDrops", { reason: decision.why });
  const unread = decision.why.startsWith("seen-");
  deps.logger.debug(unread ? "Dropped request without reading the trigger: this container already handled it." : "Gate dropped request.", {
    trigger: objectKey(request.trigger),
    reason: request.reason,
    why: decision.why,
    ...(request.resourceVersion === undefined ? {} : { resourceVersion: request.resourceVersion }),
  });
  if (decision.rearm !== undefined) await armTimer(deps.timers, { trigger: request.trigger, reason: "timer", ...decision.rearm }, deps.clock.now());
  return { status: "dropped", why: decision.why };
}

/**
 * Consecutive system errors (CTL-14) are counted along one backoff chain only: a run that a
 * change or a human started (new hash or Workflow version, force) begins a fresh count, so a
 * trigger given up on gets its full ten tries again once someone fixes something.
 */
function previousAttempts(basis: Basis, why: ProceedReason): number {
  return why === "due" ? (basis.record?.attempt ?? 0) : 0;
}

async function runAndRecord(
  deps: RequestReconcilerDeps,
  request: ReconcileRequest,
  current: KubeObject | undefined,
  basis: Basis,
  why: ProceedReason,
): Promise<Ran> {
  const trigger = request.trigger;
  const started = deps.clock.now();
  // Usually the record rides on the run's own write of the trigger (one write, not two): planned from
  // the report right before that write, after arming its timer and emitting its Event, so a crash
  // between them still finds no record and the redelivered message runs again (as before).
  let planned: Plan | undefined;
  let abandoned = false;
  let unreachable: unknown; // the timer queue, while planning: rethrown after the run, never into the engine
  const alongside = async (report: RunReport): Promise<ValueMap | undefined> => {
    // A run past its budget keeps the system error's record; a give-up or a contest writes conditions after the run's write, and the record follows them.
    if (abandoned) return undefined;
    const next = plan(deps, request, basis, why, report);
    if (next.gaveUp !== undefined || contestStatement(basis.record?.contest, next.contest, deps.clock.now()).kind !== "none") return undefined;
    try {
      await sideEffects(deps, trigger, next);
    } catch (error) {
      unreachable = error;
      return undefined;
    }
    planned = next;
    return next.record === undefined || !recordChanged(basis.record, next.record) ? undefined : recordPatch(next.record);
  };
  const report = await runWithBudget(deps, trigger, current, alongside, () => (abandoned = true));
  const durationMs = deps.clock.now() - started;
  if (unreachable !== undefined) throw unreachable;
  // Like a failed record write: the message comes back in seconds (SRV-7), not after a CTL-14 backoff of 30–60 s.
  if (report.status === "system-error" && report.transient === true)
    throw new Error(`writing the status of ${objectKey(trigger)}: ${report.error ?? "failed"}`);
  const recorded = report.alongsideWritten !== undefined && planned !== undefined ? planned : undefined;
  const chosen = recorded ?? plan(deps, request, basis, why, report);
  if (recorded === undefined) {
    await sideEffects(deps, trigger, chosen);
    if (chosen.gaveUp !== undefined) await stateGiveUp(deps, trigger, chosen.gaveUp);
    await stateContest(deps, trigger, basis.record?.contest, chosen.contest);
  }
  const { decision, record } = chosen;
  const stored =
    recorded !== undefined ? report.alongsideWritten : record === undefined ? undefined : await storeRecord(deps.cluster, trigger, basis.record, record);
  observeRun(deps, trigger, why, report, decision, durationMs);
  // For the container's memory (seen.ts): the record now on the trigger and the object our write returned.
  const after = { gone: isGone(report) || stored === "gone", record, ...(typeof stored === "object" ? { written: stored } : {}) };
  return { status: "ran", report, decision, durationMs, after };
}

/** CTL-13: a run has a budget; beyond it, or on any exception, it is a system error (CTL-14 recommendation). */
async function runWithBudget(
  deps: RequestReconcilerDeps,
  trigger: TriggerRef,
  current: KubeObject | undefined,
  alongside: (report: RunReport) => Promise<ValueMap | undefined>,
  onAbandon: () => void,
): Promise<RunReport> {
  let timer: NodeJS.Timeout | undefined;
  const budgetMs = deps.timings.reconcileTimeoutSeconds * 1000;
  // unref: a budget must not keep a process alive on its own.
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), budgetMs).unref()));
  try {
    const report = await Promise.race([deps.run(trigger, current, alongside), timeout]);
    if (report !== "timeout") return report;
    onAbandon();
    return systemError(`reconcile exceeded ${deps.timings.reconcileTimeoutSeconds} s`);
  } catch (error) {
    onAbandon();
    return systemError(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
}

function systemError(error: string): RunReport {
  return { status: "system-error", outcome: Outcome.retry(undefined, error), error };
}

/** The live chain a due run continues, and the due time it was due at; undefined when the run starts a new chain. */
function continuedChain(request: ReconcileRequest, basis: Basis, why: ProceedReason): { chain: number; from: number } | undefined {
  const chain = basis.record?.chain;
  if (why !== "due" || chain === undefined || request.dueAt === undefined) return undefined;
  return { chain, from: request.dueAt };
}

/**
 * The next timer. A due run hands its chain on and counts the delay from the time it was due, with
 * jitter drawn from the chain: a redelivered message then arms the very same timer, which the
 * FIFO deduplication collapses, instead of forking the chain. Any other run starts a new chain.
 */
function nextTimer(decision: Decision, continued: { chain: number; from: number } | undefined, now: number): { dueAt: number; chain: number } | undefined {
  if (decision.kind !== "requeue" && decision.kind !== "backoff") return undefined;
  const from = continued?.from ?? now;
  return { dueAt: Math.max(from + decision.afterSeconds * 1000, now), chain: continued?.chain ?? now };
}

/** A deterministic [0, 1) sequence from a seed (FNV-1a, then xorshift): jitter that a redelivery repeats. */
function seededRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

/** What a run's report leads to: decided, and what to arm, state, emit and record. */
interface Plan {
  readonly decision: Decision;
  readonly contest: Contest | undefined;
  readonly timer: { readonly dueAt: number; readonly chain: number } | undefined;
  readonly gaveUp: string | undefined;
  /** The Event to emit: only a transition (another reason or message than the last one recorded). */
  readonly event: OutcomeEvent | undefined;
  readonly record: GateRecord | undefined;
}

/** What must happen before the record says the run was handled: its timer armed, its Event emitted. */
async function sideEffects(deps: RequestReconcilerDeps, trigger: TriggerRef, planned: Plan): Promise<void> {
  if (planned.timer !== undefined) await armTimer(deps.timers, { trigger, reason: "timer", ...planned.timer }, deps.clock.now());
  if (planned.event !== undefined) await recordEvent(deps.cluster, trigger, planned.event, deps.clock.now(), deps.logger);
}

function plan(deps: RequestReconcilerDeps, request: ReconcileRequest, basis: Basis, why: ProceedReason, report: RunReport): Plan {
  const continued = continuedChain(request, basis, why);
  const random = continued === undefined ? deps.random : seededRandom(`${request.trigger.uid}:${continued.chain}:${continued.from}`);
  const decision = decide(report, previousAttempts(basis, why), deps.timings, random);
  const contest = contestAfter(basis, report, deps.clock.now());
  const timer = holdUntil(nextTimer(decision, continued, deps.clock.now()), contest, report.drifts !== undefined);
  const gaveUp = decision.kind === "give-up" ? giveUpMessage(decision.attempt, errorOf(report)) : undefined;
  // So a resync or a timer run repeating the same Retry adds no Event; the record keeps the digest.
  const transition = outcomeEvent(report, gaveUp);
  const digest = transition === undefined ? basis.record?.event : eventDigest(transition);
  const event = transition !== undefined && digest !== basis.record?.event ? transition : undefined;
  const record = withContest(nextRecord(basis, report, decision, timer?.chain, digest), contest);
  return { decision, contest, timer, gaveUp, event, record };
}

/** SRV-12: an unchanged record is not written. */
function recordChanged(previous: GateRecord | undefined, record: GateRecord): boolean {
  return previous === undefined || encodeRecord(previous) !== encodeRecord(record);
}

/** CTL-12 bookkeeping; nothing is recorded for a trigger that is gone. */
function nextRecord(basis: Basis, report: RunReport, decision: Decision, chain: number | undefined, event: string | undefined): GateRecord | undefined {
  if (isGone(report)) return undefined;
  const failed = report.status === "system-error";
  const workflowVersion = report.workflowVersion ?? (failed ? basis.record?.workflowVersion : undefined);
  const base = {
    hash: basis.hash,
    outcome: failed ? ("SystemError" as const) : report.outcome.kind,
    attempt: decision.kind === "backoff" || decision.kind === "give-up" ? decision.attempt : 0,
    ...(workflowVersion === undefined ? {} : { workflowVersion }),
    ...(chain === undefined ? {} : { chain }),
  };
  return event === undefined ? base : { ...base, event };
}

/** SRV-7: the trigger's `Ready` condition states the failure; if that write fails it is logged, and the record is stored anyway. */
async function stateGiveUp(deps: RequestReconcilerDeps, trigger: TriggerRef, message: string): Promise<void> {
  const failed = await writeGiveUpCondition(deps.cluster, trigger, message, deps.clock.now());
  if (failed !== undefined) deps.logger.warn(`Could not write the give-up condition on ${objectKey(trigger)}.`, { trigger: objectKey(trigger), error: failed });
}

/** SRV-12: an unchanged record is not written. A 404 means the trigger went away meanwhile. Resolves to the object as written. */
async function storeRecord(
  cluster: ClusterApi,
  trigger: TriggerRef,
  previous: GateRecord | undefined,
  record: GateRecord,
): Promise<KubeObject | "unchanged" | "gone"> {
  if (!recordChanged(previous, record)) return "unchanged";
  const patched = await cluster.mergePatch(trigger, recordPatch(record), { fieldManager: "koreo" });
  if (patched.ok) return patched.value;
  if (patched.error.reason === "NotFound") return "gone";
  throw new Error(`recording reconcile state on ${objectKey(trigger)}: ${patched.error.reason}: ${patched.error.message}`);
}

/** CTL-21 / SRV-13: one line and a few metrics per run. */
function observeRun(deps: RequestReconcilerDeps, trigger: TriggerRef, why: ProceedReason, report: RunReport, decision: Decision, durationMs: number): void {
  const outcome = report.status === "system-error" ? "SystemError" : isGone(report) ? "Gone" : report.outcome.kind;
  // `why`: what the gate let through (a change, a due timer, force…): the first question when a trigger runs unexpectedly.
  const fields = {
    trigger: objectKey(trigger),
    uid: trigger.uid,
    workflow: report.workflow,
    why,
    outcome,
    decision: decision.kind,
    durationMs,
    ...explain(report),
    ...driftFields(report),
  };
  deps.metrics.count("Reconciles", { outcome });
  deps.metrics.milliseconds("ReconcileDuration", durationMs);
  if (decision.kind === "backoff") deps.metrics.count("SystemErrorRetries");
  if (decision.kind === "give-up") {
    deps.metrics.count("SystemErrorGiveUps");
    deps.logger.error(`Giving up on ${objectKey(trigger)} after ${decision.attempt} consecutive system errors.`, { ...fields, error: errorOf(report) });
    return;
  }
  if (report.status === "system-error") deps.logger.warn(`Reconcile of ${objectKey(trigger)} failed; backing off.`, { ...fields, error: errorOf(report) });
  else deps.logger.info(`Reconciled ${objectKey(trigger)} using Workflow ${report.workflow ?? "(none)"}.`, fields);
}

/**
 * Why a run ended as it did, for the log line: the outcome's message and, when not Ok, the first
 * step that ended the same way (the one that decided the Workflow's outcome, OUT-3), if any.
 */
function explain(report: RunReport): { message?: string; step?: string } {
  if (report.status === "system-error") return { message: errorOf(report) ?? "" };
  if (isGone(report)) return {};
  const outcome = report.outcome;
  const message = outcome.kind === "Ok" ? undefined : outcome.message;
  const step = outcome.kind === "Ok" ? undefined : report.steps?.find((s) => s.outcome === outcome.kind)?.label;
  return { ...(message !== undefined && message !== "" && { message }), ...(step !== undefined && { step }) };
}

/** Not found or terminating when the engine looked: nothing to record, nothing to schedule. */
function isGone(report: RunReport): boolean {
  return report.status === "not-found" || report.status === "terminating";
}

function errorOf(report: RunReport): string | undefined {
  return report.status === "system-error" ? (report.error ?? report.outcome.kind) : undefined;
}

/**
 * The contest after a run (contest.ts): a reconciled run counts its corrections of other writers'
 * changes; a run that could not look (system error, selection error, gone) leaves it as it was.
 */
function contestAfter(basis: Basis, report: RunReport, now: number): Contest | undefined {
  if (report.status !== "reconciled") return basis.record?.contest;
  return nextContest(basis.record?.contest, report.drifts ?? [], now);
}

/** SRV-12: the record carries a contest only while one exists. */
function withContest(record: GateRecord | undefined, contest: Contest | undefined): GateRecord | undefined {
  // nextRecord builds the record afresh, so an ended contest is simply not carried over.
  if (record === undefined || contest === undefined) return record;
  return { ...record, contest };
}

/** The `Contested` condition follows the contest; a failed write is logged, the record is stored anyway. */
async function stateContest(deps: RequestReconcilerDeps, trigger: TriggerRef, previous: Contest | undefined, next: Contest | undefined): Promise<void> {
  const statement = contestStatement(previous, next, deps.clock.now());
  if (statement.kind === "none") return;
  const fields = { trigger: objectKey(trigger), contest: statement.message };
  if (statement.kind === "contested")
    deps.logger.warn(`Another field manager keeps changing what Koreo applies for ${objectKey(trigger)}; backing off.`, fields);
  else deps.logger.info(`The contest over a field Koreo applies for ${objectKey(trigger)} ended.`, fields);
  const failed = await writeContestCondition(deps.cluster, trigger, statement, deps.clock.now());
  if (failed !== undefined)
    deps.logger.warn(`Could not write the Contested condition on ${objectKey(trigger)}.`, { trigger: objectKey(trigger), error: failed });
}

/** For the run's log line: which fields the run put back and whose change it undid. */
function driftFields(report: RunReport): { drift?: string[] } {
  if (report.drifts === undefined) return {};
  return { drift: report.drifts.map((d) => `${d.field} of ${objectName(d)} (changed by ${d.manager ?? "an unknown field manager"})`) };
}
