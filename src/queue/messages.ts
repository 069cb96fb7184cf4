/**
 * The messages that travel through the queues. They carry identity only (SRV-2):
 * the handler GETs the trigger, so a stale or duplicated message can never make
 * it act on old data.
 */
import { isMap, type Value } from "../value/index.ts";
import type { KubeObject } from "../cluster/index.ts";

/** Which trigger: enough to GET it and to tell a re-created object (new uid) apart. */
export interface TriggerRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid: string;
}

/**
 * Why a reconcile was asked for. The gate (reconciler/gate.ts) treats each differently:
 * - event: the relay saw a new hash (CTL-7); proceeds when the hash is new to the trigger's record;
 * - timer: a due requeue (Retry delay, resync, system-error backoff), valid only for the chain it belongs to;
 * - definitions: a definition changed (SRV-9); proceeds when the Workflow version moved;
 * - force: webhook / `koreo.dev/last-manual-reconcile` (SRV-10); always proceeds;
 * - sweep: the resync sweep found a trigger without a live timer chain;
 * - drift: the relay saw an object the trigger manages differ from what Koreo last applied to it.
 */
export type RequestReason = "event" | "timer" | "definitions" | "force" | "sweep" | "drift";

export interface ReconcileRequest {
  readonly trigger: TriggerRef;
  readonly reason: RequestReason;
  /** CTL-8 hash the relay saw (event); used only for the dedup id. */
  readonly hash?: string;
  /**
   * The trigger's `metadata.resourceVersion` in the watch event the relay forwarded (event): lets a
   * handler that already reconciled from that version or a later one drop the message without a GET.
   */
  readonly resourceVersion?: string;
  /** Epoch ms the request is due (timer, sweep). */
  readonly dueAt?: number;
  /**
   * The timer chain it belongs to (timer, sweep): the epoch ms the chain began. A chain outlives
   * its timers, so a quiet trigger's resyncs never rewrite its record (SRV-12). Messages sent
   * before chains existed carry only `dueAt`, which was their chain id then.
   */
  readonly chain?: number;
  /** Opaque id for force requests and definition fan-outs (dedup id). */
  readonly nonce?: string;
}

const REASONS: ReadonlySet<string> = new Set(["event", "timer", "definitions", "force", "sweep", "drift"]);

export function encodeRequest(request: ReconcileRequest): string {
  return JSON.stringify(request);
}

/** Parses a message body; anything malformed is reported, never thrown (a poison message is acknowledged and logged). */
export function decodeRequest(body: string): { ok: true; request: ReconcileRequest } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, error: "body is not JSON" };
  }
  if (!isPlainObject(parsed)) return { ok: false, error: "body is not an object" };
  const trigger = parseTrigger(parsed.trigger);
  if (trigger === undefined) return { ok: false, error: "trigger identity missing or malformed" };
  const reason = parsed.reason;
  if (typeof reason !== "string" || !REASONS.has(reason)) return { ok: false, error: `unknown reason ${String(reason)}` };
  const request: { -readonly [K in keyof ReconcileRequest]: ReconcileRequest[K] } = { trigger, reason: reason as RequestReason };
  if (typeof parsed.hash === "string") request.hash = parsed.hash;
  if (typeof parsed.resourceVersion === "string") request.resourceVersion = parsed.resourceVersion;
  if (typeof parsed.dueAt === "number" && Number.isFinite(parsed.dueAt)) request.dueAt = parsed.dueAt;
  if (typeof parsed.chain === "number" && Number.isFinite(parsed.chain)) request.chain = parsed.chain;
  if (typeof parsed.nonce === "string") request.nonce = parsed.nonce;
  return { ok: true, request };
}

function parseTrigger(input: unknown): TriggerRef | undefined {
  if (!isPlainObject(input)) return undefined;
  const { apiVersion, kind, namespace, name, uid } = input;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string" || typeof uid !== "string") return undefined;
  if (uid === "" || name === "") return undefined;
  return typeof namespace === "string" ? { apiVersion, kind, namespace, name, uid } : { apiVersion, kind, name, uid };
}

function isPlainObject(input: unknown): input is Record<string, unknown> {
  return isMap(input as Value);
}

/** The timer chain a timer or sweep request belongs to (see `chain`). */
export function chainOf(request: ReconcileRequest): number | undefined {
  return request.chain ?? request.dueAt;
}

/** The identity of a trigger object as read from the cluster; undefined when it lacks a name or uid. */
export function triggerRefOf(object: KubeObject): TriggerRef | undefined {
  const metadata = object.metadata;
  if (!isMap(metadata)) return undefined;
  const { name, namespace, uid } = metadata;
  if (typeof name !== "string" || typeof uid !== "string" || typeof object.apiVersion !== "string" || typeof object.kind !== "string") return undefined;
  const base = { apiVersion: object.apiVersion, kind: object.kind, name, uid };
  return typeof namespace === "string" ? { ...base, namespace } : base;
}
