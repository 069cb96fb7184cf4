/**
 * The one place that chooses what happens after a run (CTL-14, SRV-5, SRV-7), on
 * AWS, locally and in `koreo render`: a single switch from the run's report to a
 * timer or none. Pure; randomness is passed in so jitter is testable.
 */
import type { ControllerTimings } from "../config/index.ts";
import { assertNever, type Outcome } from "../outcome/index.ts";
import type { RunReport } from "./engine-port.ts";

export type Decision =
  | { readonly kind: "done" } // PermFail, or nothing left to reconcile
  | { readonly kind: "requeue"; readonly afterSeconds: number } // Retry delay or periodic resync
  | { readonly kind: "backoff"; readonly afterSeconds: number; readonly attempt: number } // system error n
  | { readonly kind: "give-up"; readonly attempt: number }; // system errors exhausted

/** `previousAttempt`: consecutive system errors before this run. `random()` ∈ [0, 1). */
export function decide(report: Pick<RunReport, "status" | "outcome">, previousAttempt: number, timings: ControllerTimings, random: () => number): Decision {
  switch (report.status) {
    case "not-found":
    case "terminating":
      return { kind: "done" };
    case "selection-error":
      return { kind: "requeue", afterSeconds: retryDelay(report.outcome, timings.selectionRetrySeconds) };
    case "system-error":
      return systemError(previousAttempt + 1, timings, random);
    case "reconciled":
      return afterOutcome(report.outcome, timings, random);
    default:
      return assertNever(report.status);
  }
}

function afterOutcome(outcome: Outcome, timings: ControllerTimings, random: () => number): Decision {
  switch (outcome.kind) {
    case "PermFail":
      return { kind: "done" };
    case "Retry":
      return { kind: "requeue", afterSeconds: Math.max(0, outcome.delay) };
    case "Ok":
    case "Skip":
    case "DepSkip":
      return { kind: "requeue", afterSeconds: resyncDelay(timings, random) };
    default:
      return assertNever(outcome);
  }
}

function retryDelay(outcome: Outcome, fallback: number): number {
  return outcome.kind === "Retry" ? Math.max(0, outcome.delay) : fallback;
}

/** 1200 s ± 10 % by default: spreads resyncs of triggers created together (SRV-5 recommendation). */
export function resyncDelay(timings: ControllerTimings, random: () => number): number {
  const spread = timings.resyncSeconds * timings.resyncJitter;
  return Math.max(1, Math.round(timings.resyncSeconds - spread + 2 * spread * random()));
}

/** CTL-14: min(2^n·base + U[0,jitter), cap) with n = attempt − 1 (the first retry waits base + jitter), giving up after maxAttempts. */
function systemError(attempt: number, timings: ControllerTimings, random: () => number): Decision {
  if (attempt > timings.backoffMaxAttempts) return { kind: "give-up", attempt };
  const raw = 2 ** (attempt - 1) * timings.backoffBaseSeconds + random() * timings.backoffJitterSeconds;
  return { kind: "backoff", afterSeconds: Math.round(Math.min(raw, timings.backoffCapSeconds)), attempt };
}
