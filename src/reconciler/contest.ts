/**
 * A contest: another field manager keeps changing a field Koreo applies. Pure.
 *
 * Each run that writes back another manager's change (RunReport.drifts, found by the engine from
 * the object's last-applied annotation and managedFields) counts one correction; consecutive
 * corrections of the same field by the same manager count up. Every correction opens a back-off
 * window of 5 s · 2^(count−1), capped at 5 min: until it ends, drift requests are dropped (gate.ts)
 * and the run's own next timer waits for it, so Koreo's writes to a contested field are bounded
 * (≤ 5 in the first minute, then one per 5 min) instead of one per pass. From the second
 * correction in a row the trigger says so (a `Contested` condition naming the field and the
 * manager). A run without drift after the window ends the contest: the correction held.
 *
 * Nothing here exists for a trigger whose objects nobody else writes: no contest, no record
 * field, no condition, no change to any timer (SRV-12, and the original Koreo's behaviour).
 */
import type { ResourceDrift } from "../logic/index.ts";

/** What the record keeps of a contest (record.ts). */
export interface Contest {
  /** `ConfigMap koreo-e2e/alpha-cm`. */
  readonly object: string;
  /** `data.key`. */
  readonly field: string;
  /** The other field manager. */
  readonly manager: string;
  /** Consecutive corrections of this field by Koreo against this manager. */
  readonly count: number;
  /** Epoch ms the back-off window ends. */
  readonly until: number;
}

export const CONTEST_BASE_MS = 5_000;
export const CONTEST_CAP_MS = 300_000;
/** From this many corrections in a row the trigger's condition names the other writer. */
export const CONTEST_STATED_AT = 2;
/** How a manager managedFields do not name is called. */
export const UNKNOWN_MANAGER = "(unknown)";

/** 5 s, 10 s, 20 s … 5 min. */
export function contestWindowMs(count: number): number {
  return Math.min(CONTEST_BASE_MS * 2 ** Math.max(0, count - 1), CONTEST_CAP_MS);
}

export function objectName(drift: ResourceDrift): string {
  const { kind, namespace, name } = drift.object;
  return `${kind} ${namespace === undefined ? name : `${namespace}/${name}`}`;
}

/**
 * The contest after a run. `drifts`: what the run corrected (the first one is followed: a trigger
 * is contested over one field at a time). No drift: the contest lasts until its window is over.
 */
export function nextContest(previous: Contest | undefined, drifts: readonly ResourceDrift[], now: number): Contest | undefined {
  const drift = drifts[0];
  if (drift === undefined) return previous !== undefined && now < previous.until ? previous : undefined;
  const object = objectName(drift);
  const manager = drift.manager ?? UNKNOWN_MANAGER;
  const same = previous !== undefined && previous.object === object && previous.field === drift.field && previous.manager === manager;
  const count = same ? previous.count + 1 : 1;
  return { object, field: drift.field, manager, count, until: now + contestWindowMs(count) };
}

export function isStated(contest: Contest | undefined): contest is Contest {
  return contest !== undefined && contest.count >= CONTEST_STATED_AT;
}

/** What the trigger's condition should say now, or nothing to write. */
export type ContestStatement =
  { readonly kind: "none" } | { readonly kind: "contested"; readonly message: string } | { readonly kind: "resolved"; readonly message: string };

export function contestStatement(previous: Contest | undefined, next: Contest | undefined, now: number): ContestStatement {
  if (isStated(next)) {
    if (previous !== undefined && previous.count === next.count && previous.until === next.until) return { kind: "none" };
    return { kind: "contested", message: contestedMessage(next, now) };
  }
  if (isStated(previous) && next === undefined) return { kind: "resolved", message: resolvedMessage(previous) };
  return { kind: "none" };
}

export function contestedMessage(contest: Contest, now: number): string {
  const seconds = Math.max(0, Math.round((contest.until - now) / 1000));
  return (
    `field ${contest.field} of ${contest.object} is also written by field manager ${contest.manager}; ` +
    `Koreo backs off (${contest.count} corrections in a row, next correction in ${seconds} s)`
  );
}

export function resolvedMessage(contest: Contest): string {
  return `field ${contest.field} of ${contest.object} is no longer contested: Koreo's last correction held (other writer was field manager ${contest.manager})`;
}

/** While a contest is open, the run's next timer is not before its window's end. */
export function holdUntil<T extends { readonly dueAt: number }>(timer: T | undefined, contest: Contest | undefined, corrected: boolean): T | undefined {
  if (timer === undefined || contest === undefined || !corrected) return timer;
  return timer.dueAt >= contest.until ? timer : { ...timer, dueAt: contest.until };
}
