/**
 * Kubernetes Events (core/v1) for a trigger's outcome transitions: what `kubectl describe` and
 * `kubectl get events` show. One Event per (trigger uid, reason, message), named from a digest of
 * the three, so a repeat of the same outcome bumps that Event's `count` and `lastTimestamp`
 * instead of adding another: the aggregation client-go's recorder keeps in memory, which a
 * stateless handler cannot. Written through the ClusterApi port, so it works locally and on AWS
 * (RBAC: `events` get/create/patch). Events are information: a failed write is logged, never fatal.
 */
import { objectKey } from "../cluster/index.ts";
import type { ClusterApi, KubeObject } from "../cluster/index.ts";
import type { Outcome } from "../outcome/index.ts";
import type { Logger } from "../ports/index.ts";
import { type TriggerRef } from "../queue/index.ts";
import { conditionFor } from "../workflow/index.ts";
import { sha256Hex } from "../workflow/index.ts";
import type { RunReport } from "./engine-port.ts";

export interface OutcomeEvent {
  /** The trigger's Ready condition reason (ST-5: Ready, Skip, DepSkip, Wait, Failure) or the selection error's. */
  readonly reason: string;
  readonly message: string;
  readonly type: "Normal" | "Warning";
}

/** client-go truncates Event messages to this many characters. */
const MAX_MESSAGE = 1024;
/** Object names are DNS subdomains (≤ 253); the digest suffix takes 17. */
const MAX_NAME_PREFIX = 236;

/** The Event a finished run stands for; none for a trigger that is gone or a system error still being retried. */
export function outcomeEvent(report: RunReport, giveUpMessage?: string): OutcomeEvent | undefined {
  if (giveUpMessage !== undefined) return { reason: "Failure", message: clip(giveUpMessage), type: "Warning" };
  if (report.status === "selection-error")
    return { reason: report.selectionReason ?? "WorkflowNotReady", message: clip(messageOf(report.outcome) ?? "No Workflow can run."), type: "Warning" };
  if (report.status !== "reconciled") return undefined;
  const workflow = report.workflow ?? "(none)";
  const condition = conditionFor("Ready", `Workflow ${workflow}`, report.outcome, workflow, false);
  const message = messageOf(report.outcome) ?? condition.message;
  return { reason: condition.reason, message: clip(message), type: report.outcome.kind === "PermFail" ? "Warning" : "Normal" };
}

/** A short digest of what the Event says: the record keeps it so only transitions emit (and re-reading it costs nothing). */
export function eventDigest(event: OutcomeEvent): string {
  return sha256Hex(`${event.type}\n${event.reason}\n${event.message}`).slice(0, 16);
}

/** Same trigger, reason and message → same name, whatever handler writes it. */
export function eventName(trigger: TriggerRef, event: OutcomeEvent): string {
  const prefix = trigger.name.slice(0, MAX_NAME_PREFIX).replace(/[.-]+$/, "") || "trigger";
  return `${prefix}.${sha256Hex(`${trigger.uid}\n${event.reason}\n${event.message}`).slice(0, 16)}`;
}

/** Cluster-scoped objects' Events live in `default`, as kubectl and client-go put them. */
export function eventNamespace(trigger: TriggerRef): string {
  return trigger.namespace ?? "default";
}

export function newEventObject(trigger: TriggerRef, event: OutcomeEvent, now: number): KubeObject {
  const time = timestamp(now);
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: eventName(trigger, event), namespace: eventNamespace(trigger) },
    involvedObject: {
      apiVersion: trigger.apiVersion,
      kind: trigger.kind,
      name: trigger.name,
      uid: trigger.uid,
      ...(trigger.namespace !== undefined && { namespace: trigger.namespace }),
    },
    reason: event.reason,
    message: event.message,
    type: event.type,
    count: 1n,
    firstTimestamp: time,
    lastTimestamp: time,
    source: { component: "koreo" },
    reportingComponent: "koreo.dev/reconciler",
    reportingInstance: "koreo",
  };
}

/**
 * Creates the Event, or bumps `count` and `lastTimestamp` of the one already there. Create
 * first: an outcome transition is usually a message not recorded before, so the common case is
 * one request; only a repeat pays the read for its count.
 */
export async function recordEvent(cluster: ClusterApi, trigger: TriggerRef, event: OutcomeEvent, now: number, logger: Logger): Promise<void> {
  const created = await cluster.create(newEventObject(trigger, event, now), { plural: "events" });
  const written = created.ok || created.error.reason !== "Conflict" ? created : await bumpEvent(cluster, trigger, event, now);
  if (!written.ok)
    logger.warn(`Could not record the ${event.reason} event of ${objectKey(trigger)}.`, {
      trigger: objectKey(trigger),
      reason: written.error.reason,
      error: written.error.message,
    });
}

async function bumpEvent(cluster: ClusterApi, trigger: TriggerRef, event: OutcomeEvent, now: number) {
  const ref = { apiVersion: "v1", kind: "Event", plural: "events", name: eventName(trigger, event), namespace: eventNamespace(trigger) };
  const existing = await cluster.get(ref);
  if (!existing.ok) return existing;
  return cluster.mergePatch(ref, { count: BigInt(countOf(existing.value) + 1), lastTimestamp: timestamp(now) }, { plural: "events" });
}

function countOf(event: KubeObject): number {
  const count = event.count;
  if (typeof count === "bigint") return Number(count);
  return typeof count === "number" && Number.isFinite(count) ? count : 1;
}

/** Events use RFC 3339 with whole seconds (metav1.Time). */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function messageOf(outcome: Outcome): string | undefined {
  return outcome.kind === "Ok" || outcome.message === undefined || outcome.message === "" ? undefined : outcome.message;
}

function clip(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`;
}
