/**
 * The per-trigger gate record (CTL-10/CTL-12, SRV-3), kept on the trigger itself
 * in the `koreo.dev/reconcile-state` annotation rather than in a separate store:
 * FIFO groups already serialise a trigger's handlers (CTL-11), so no conditional
 * writes are needed, and deleting the trigger deletes its record (SRV-11).
 */
import { isMap, type ValueMap } from "../value/index.ts";
import type { KubeObject } from "../cluster/index.ts";
import type { OutcomeKind } from "../outcome/index.ts";
import type { Contest } from "./contest.ts";

export const RECORD_ANNOTATION = "koreo.dev/reconcile-state";

export type RecordedOutcome = OutcomeKind | "SystemError";

export interface GateRecord {
  /** CTL-8 hash of the trigger the last run started from. */
  readonly hash: string;
  /** SRV-3 digest of the Workflow and everything it references, when the run selected one. */
  readonly workflowVersion?: string;
  readonly outcome: RecordedOutcome;
  /** Consecutive system errors (CTL-14 n). */
  readonly attempt: number;
  /**
   * The one live timer chain (epoch ms it began); absent when nothing is scheduled (PermFail, gave
   * up). Not its next due time: that travels in the timer message, so a resync that changes
   * nothing writes nothing (SRV-12).
   */
  readonly chain?: number;
  /** Digest of the last Event recorded (events.ts): a run emits one only when what it would say differs. */
  readonly event?: string;
  /** Present only while another field manager contests a field Koreo applies (contest.ts). */
  readonly contest?: Contest;
}

const OUTCOMES: ReadonlySet<string> = new Set(["Ok", "Skip", "DepSkip", "Retry", "PermFail", "SystemError"]);

/** The record on a trigger; absent or unreadable reads as "never reconciled" (the safe side: the gate proceeds). */
export function readRecord(trigger: KubeObject): GateRecord | undefined {
  const metadata = trigger.metadata;
  const annotations = isMap(metadata) ? metadata.annotations : undefined;
  const raw = isMap(annotations) ? annotations[RECORD_ANNOTATION] : undefined;
  if (typeof raw !== "string") return undefined;
  try {
    return parseRecord(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

function parseRecord(input: unknown): GateRecord | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const r = input as Record<string, unknown>;
  if (typeof r.hash !== "string" || typeof r.outcome !== "string" || !OUTCOMES.has(r.outcome)) return undefined;
  const record: { -readonly [K in keyof GateRecord]: GateRecord[K] } = {
    hash: r.hash,
    outcome: r.outcome as RecordedOutcome,
    attempt: typeof r.attempt === "number" ? r.attempt : 0,
  };
  if (typeof r.workflowVersion === "string") record.workflowVersion = r.workflowVersion;
  // Records written before chains existed name their chain by its due time, as their timers do.
  const chain = typeof r.chain === "number" ? r.chain : r.dueAt;
  if (typeof chain === "number") record.chain = chain;
  if (typeof r.event === "string") record.event = r.event;
  const contest = parseContest(r.contest);
  if (contest !== undefined) record.contest = contest;
  return record;
}

/** An unreadable contest reads as none: the worst case is one correction without back-off. */
function parseContest(input: unknown): Contest | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const c = input as Record<string, unknown>;
  const { object, field, manager, count, until } = c;
  if (typeof object !== "string" || typeof field !== "string" || typeof manager !== "string") return undefined;
  if (typeof count !== "number" || typeof until !== "number" || !Number.isFinite(count) || !Number.isFinite(until)) return undefined;
  return { object, field, manager, count, until };
}

/** Keys in a fixed order so an unchanged record serialises identically (write avoidance, SRV-12). */
export function encodeRecord(record: GateRecord): string {
  return JSON.stringify({
    hash: record.hash,
    workflowVersion: record.workflowVersion,
    outcome: record.outcome,
    attempt: record.attempt,
    chain: record.chain,
    event: record.event,
    contest:
      record.contest === undefined
        ? undefined
        : {
            object: record.contest.object,
            field: record.contest.field,
            manager: record.contest.manager,
            count: record.contest.count,
            until: record.contest.until,
          },
  });
}

/** The merge patch that stores a record (metadata only: no status subresource or schema needed). */
export function recordPatch(record: GateRecord): ValueMap {
  return { metadata: { annotations: { [RECORD_ANNOTATION]: encodeRecord(record) } } };
}
