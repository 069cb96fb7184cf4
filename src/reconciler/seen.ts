/**
 * What one container remembers about the triggers it handled, so that a message it can prove
 * redundant is dropped without GETting the trigger (cost per reconcile: a burst of spec updates
 * is one FIFO message per update, and a handler that has just reconciled from the latest of them
 * need not read the trigger again for each older one). Bounded (LRU by trigger uid) and
 * per-container: nothing here matters across containers or invocations, it only saves reads.
 *
 * An entry is written only after a request was handled to the end (the gate dropped it, or the
 * run and its record write succeeded): a handling that threw leaves the entry as it was, so the
 * redelivered message is never dropped on the strength of work that did not happen.
 *
 * Two drops, both pure (`dropWithoutGet`), both only when the container's Workflow version for
 * the trigger is what it was when the entry was written (a definitions change whose fan-out the
 * relay had to drop comes back as an `event` for an unchanged trigger, and must still run):
 *
 * 1. `event` whose resourceVersion ≤ the remembered one, same uid ("seen-version"). The entry's
 *    version is a state this container handled: the gate saw it and either dropped the request
 *    (no change) or ran and recorded it. An event for that state or an older one can only make
 *    the gate find "unchanged", unless the trigger changed since; and any change since has a
 *    higher resourceVersion, which the relay forwards as its own event into the same FIFO group,
 *    behind this one (a relay that missed it re-lists on restart or after an overflow, and the
 *    sweep re-offers unseen hashes). Our own record write counts as handled only when the object
 *    it returned still has the hash the record states: if someone changed the spec between our
 *    GET and our write, the write's version covers a change we never ran, so the GET's version is
 *    kept instead and that change's event is read and run.
 *    resourceVersions are opaque to clients by Kubernetes' contract; we compare them as integers
 *    only because etcd's and the embedded API server's are integers (etcd's modification
 *    revision). If either side does not parse as a non-negative integer, nothing is dropped.
 *
 * 2. `timer` / `sweep` whose chain can never be live again ("seen-stale-chain"). The gate runs a
 *    due timer only for the chain the trigger's record names. When this container last looked
 *    (its clock read `observedAt` before the GET), the record named chain C (or none). After
 *    that, the FIFO group lets one run at a time write the record, and each write either keeps
 *    the chain it found (a due run continues its chain), clears it (PermFail, give-up), or
 *    starts a new one at its own `now` (reconcile-request.ts `nextTimer`), which is later than
 *    our look. So a chain c ≠ C that began before our look can never be named by the record
 *    again — whoever handles its timer, however often SQS redelivers it (a redelivery carries
 *    the same chain), and whatever other containers wrote meanwhile (they only write later
 *    chains). "Began before our look" is judged with clocks of several containers: a chain is
 *    dropped only when c < observedAt − clockSkewMs, so a container whose clock runs up to
 *    `clockSkewMs` behind ours cannot start a chain we would take for an old one. Lambda
 *    clocks are NTP-synchronised to well under a second; the default allowance is 5 s.
 *    Scaled clocks (`koreo start --time-scale`) are shared by every handler of one process;
 *    handlers in separate processes with separately scaled clocks would break the allowance.
 *    A stale timer can also be the one that would have noticed a change no event reported (a
 *    record annotation deleted by hand): the sweep re-offers those within its period.
 *
 * `force`, `definitions` and `drift` requests always read the trigger.
 */
import type { KubeObject } from "../cluster/index.ts";
import { chainOf, type ReconcileRequest } from "../queue/index.ts";
import { isMap, type ValueMap } from "../value/index.ts";
import { RECORD_ANNOTATION } from "./record.ts";

/** What the container knows about one trigger after handling a request for it to the end. */
export interface Known {
  /** The highest resourceVersion of the trigger this container has handled (read and gated, or written). */
  readonly resourceVersion: string;
  /** The record's hash and live chain after that handling (undefined: no record / no live chain). */
  readonly hash?: string;
  readonly chain?: number;
  /** The container's clock just before it read the trigger. */
  readonly observedAt: number;
  /** The container's Workflow version for the trigger then (SRV-3), from `shell`. */
  readonly workflowVersion?: string;
  /** The trigger's identity, labels and annotations: what Workflow selection reads (CTL-9), without spec or status. */
  readonly shell: KubeObject;
}

export type SeenDropReason = "seen-version" | "seen-stale-chain";

export interface SeenOptions {
  /** Entries kept (LRU). Each is a few hundred bytes: the default costs a few MB at most. */
  readonly maxEntries?: number;
  /** How far another container's clock may run behind this one's (chain drops only). */
  readonly clockSkewMs?: number;
}

export const DEFAULT_SEEN_ENTRIES = 4096;
export const DEFAULT_CLOCK_SKEW_MS = 5_000;

export interface SeenMemory {
  get(uid: string): Known | undefined;
  /** Replaces the entry (the latest handling is the truth); an older resourceVersion never lowers the remembered one. */
  remember(uid: string, known: Known): void;
  forget(uid: string): void;
  readonly clockSkewMs: number;
  size(): number;
}

export function createSeenMemory(options: SeenOptions = {}): SeenMemory {
  const limit = Math.max(1, options.maxEntries ?? DEFAULT_SEEN_ENTRIES);
  const entries = new Map<string, Known>();
  return {
    get(uid) {
      const known = entries.get(uid);
      if (known === undefined) return undefined;
      // A Map iterates in insertion order: re-inserting makes this the most recently used entry.
      entries.delete(uid);
      entries.set(uid, known);
      return known;
    },
    remember(uid, known) {
      const previous = entries.get(uid);
      entries.delete(uid);
      const resourceVersion =
        previous !== undefined && compareVersions(previous.resourceVersion, known.resourceVersion) === 1 ? previous.resourceVersion : known.resourceVersion;
      entries.set(uid, { ...known, resourceVersion });
      while (entries.size > limit) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    forget: (uid) => void entries.delete(uid),
    clockSkewMs: options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS,
    size: () => entries.size,
  };
}

export interface DropInput {
  readonly request: ReconcileRequest;
  readonly known: Known | undefined;
  /** The container's Workflow version for `known.shell` now. */
  readonly workflowVersionNow: string | undefined;
  readonly clockSkewMs: number;
}

/** Pure: whether the request is redundant by what this container already knows (see the module comment). */
export function dropWithoutGet({ request, known, workflowVersionNow, clockSkewMs }: DropInput): SeenDropReason | undefined {
  if (known === undefined || known.workflowVersion !== workflowVersionNow) return undefined;
  if (request.reason === "event") {
    const order = request.resourceVersion === undefined ? undefined : compareVersions(request.resourceVersion, known.resourceVersion);
    return order === -1 || order === 0 ? "seen-version" : undefined;
  }
  if (request.reason === "timer" || request.reason === "sweep") {
    const chain = chainOf(request);
    if (chain === undefined || chain === known.chain) return undefined;
    return chain < known.observedAt - clockSkewMs ? "seen-stale-chain" : undefined;
  }
  return undefined;
}

const INTEGER = /^(0|[1-9][0-9]*)$/;

/** −1, 0, 1 comparing two resourceVersions as integers; undefined when either is not one (they are opaque in general). */
export function compareVersions(a: string, b: string): -1 | 0 | 1 | undefined {
  if (!INTEGER.test(a) || !INTEGER.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Identity, labels and annotations (without the big or Koreo-written ones): enough to select the trigger's Workflow again. */
export function shellOf(trigger: KubeObject): KubeObject {
  const metadata = isMap(trigger.metadata) ? trigger.metadata : {};
  const kept: ValueMap = {};
  for (const key of ["name", "namespace", "uid", "labels"]) {
    const value = metadata[key];
    if (value !== undefined) kept[key] = value;
  }
  if (isMap(metadata.annotations)) {
    const annotations: ValueMap = {};
    for (const [key, value] of Object.entries(metadata.annotations)) {
      if (key === RECORD_ANNOTATION || key === "koreo.dev/managed-resources" || key.startsWith("kubectl.kubernetes.io/")) continue;
      annotations[key] = value;
    }
    kept.annotations = annotations;
  }
  const shell: ValueMap = { metadata: kept };
  if (trigger.apiVersion !== undefined) shell.apiVersion = trigger.apiVersion;
  if (trigger.kind !== undefined) shell.kind = trigger.kind;
  return shell;
}
