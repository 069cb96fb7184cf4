/**
 * The reconcile gate (CTL-10 with its recommendations, SRV-3/SRV-4/SRV-11):
 * pure, given the request, what a GET of the trigger showed and the trigger's
 * record. Per-trigger exclusion is not checked here: the FIFO group provides it,
 * and a handler never drops a message because another is running (SRV-4).
 */
import type { ControllerTimings } from "../config/index.ts";
import { chainOf, type ReconcileRequest } from "../queue/index.ts";
import type { GateRecord } from "./record.ts";

/** What the handler learned from GETting the trigger. */
export type Observed =
  | { readonly kind: "gone" } // 404, or the name now belongs to a new object (new uid): the tombstone case
  | { readonly kind: "present"; readonly hash: string; readonly terminating: boolean; readonly record?: GateRecord };

export type GateDecision =
  | { readonly proceed: true; readonly why: ProceedReason; readonly basis: Basis }
  | { readonly proceed: false; readonly why: DropReason; readonly rearm?: { readonly dueAt: number; readonly chain: number } };

/** What the run starts from: recorded with its outcome afterwards (CTL-12). */
export interface Basis {
  readonly hash: string;
  readonly record?: GateRecord;
}

export type ProceedReason = "force" | "never-reconciled" | "hash-changed" | "workflow-changed" | "due" | "drift";
export type DropReason = "gone" | "terminating" | "unchanged" | "stale-timer" | "permfail" | "not-due" | "contested" | "gave-up";

export interface GateInput {
  readonly request: ReconcileRequest;
  readonly observed: Observed;
  /** Current SRV-3 version of the Workflow this trigger would run, when known before the run. */
  readonly workflowVersion?: string;
  readonly now: number;
  readonly timings: ControllerTimings;
}

export function gate({ request, observed, workflowVersion, now, timings }: GateInput): GateDecision {
  if (observed.kind === "gone") return drop("gone");
  if (observed.terminating) return drop("terminating");
  const basis: Basis = observed.record === undefined ? { hash: observed.hash } : { hash: observed.hash, record: observed.record };
  const why = proceedReason(request, observed.hash, observed.record, workflowVersion);
  if (why !== undefined) return { proceed: true, why, basis };
  if (observed.record !== undefined && (request.reason === "timer" || request.reason === "sweep")) {
    return timerGate(request, observed.record, now, timings, basis);
  }
  if (observed.record !== undefined && request.reason === "drift") return driftGate(observed.record, now, basis);
  return drop("unchanged");
}

/**
 * A managed object differs from what Koreo applied (the relay saw it): run now, unless nothing
 * runs for this trigger until it changes (PermFail, given up), or another writer contests the
 * field and its back-off window is open (contest.ts): then the run waits for the window's end,
 * re-armed on the record's chain, so a writer that keeps editing costs one correction per window.
 */
function driftGate(record: GateRecord, now: number, basis: Basis): GateDecision {
  if (record.outcome === "PermFail") return drop("permfail");
  if (record.chain === undefined) return drop("gave-up");
  const contest = record.contest;
  if (contest !== undefined && now < contest.until) return { proceed: false, why: "contested", rearm: { dueAt: contest.until, chain: record.chain } };
  return { proceed: true, why: "drift", basis };
}

function proceedReason(
  request: ReconcileRequest,
  hash: string,
  record: GateRecord | undefined,
  workflowVersion: string | undefined,
): ProceedReason | undefined {
  if (request.reason === "force") return "force";
  if (record === undefined) return "never-reconciled";
  if (record.hash !== hash) return "hash-changed";
  if (workflowVersion !== undefined && workflowVersion !== record.workflowVersion) return "workflow-changed";
  // Without a pre-run version, a definitions fan-out runs (an unchanged Workflow's run writes nothing, SRV-12).
  if (request.reason === "definitions" && workflowVersion === undefined) return "workflow-changed";
  return undefined;
}

/** A timer is valid only for the chain the record names; Retry runs when due or overdue, Ok-like within the window. */
function timerGate(request: ReconcileRequest, record: GateRecord, now: number, timings: ControllerTimings, basis: Basis): GateDecision {
  if (record.outcome === "PermFail") return drop("permfail");
  if (record.chain === undefined || chainOf(request) !== record.chain) return drop("stale-timer");
  const dueAt = request.dueAt ?? now;
  const earlyMs = isOkLike(record) ? timings.okDueWindowSeconds * 1000 : 0;
  if (now >= dueAt - earlyMs) return { proceed: true, why: "due", basis };
  return { proceed: false, why: "not-due", rearm: { dueAt, chain: record.chain } };
}

function isOkLike(record: GateRecord): boolean {
  return record.outcome === "Ok" || record.outcome === "Skip" || record.outcome === "DepSkip";
}

function drop(why: DropReason): GateDecision {
  return { proceed: false, why };
}
