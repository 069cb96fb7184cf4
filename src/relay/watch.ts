/**
 * The relay's event source: list-then-watch one kind in one namespace, forever.
 * Resumes from the last resourceVersion seen (events and bookmarks); a 410 Gone
 * or a `relist()` re-lists (replaying ADDED for every object, SRV-1; `onList` gets
 * the whole set first, since objects deleted meanwhile produce no event).
 *
 * Failures back off `min(2^(n-1)·base, cap) + U[0,jitter)`. Two kinds of failure:
 * - transient (API unreachable, 5xx, 429): a short base and a cap of a few seconds,
 *   so the watch is back within seconds of the API server's return;
 * - kind-level (403 Forbidden: RBAC misses the kind; 404 NotFound: its CRD is gone):
 *   nothing the relay can fix, retried forever up to `kindCapMs` (CTL-6's 120 s).
 * Every change of state goes to `onStatus` (health, logs, metrics). After
 * `maxErrors` consecutive failures the watch gives up (`done` rejects); the relay
 * passes Infinity for trigger kinds so one broken kind never stops the others.
 */
import type { ClusterApi, ClusterError, ClusterWatcher, KubeObject, WatchEvent } from "../cluster/index.ts";
import type { Logger } from "../ports/index.ts";
import { isMap } from "../value/index.ts";
import { backoffDelayMs, type BackoffPolicy } from "./backoff.ts";

export interface WatchBackoff extends BackoffPolicy {
  /** Consecutive failures before giving up; Infinity: never. */
  readonly maxErrors: number;
  /** CTL-4: a healthy watch is re-established this often anyway (full re-list). */
  readonly renewMs: number;
  /** Cap for kind-level failures (Forbidden, NotFound); defaults to 120 s (CTL-6). */
  readonly kindCapMs?: number;
}

/**
 * Transient failures retry after 0.25, 0.5, 1, 2, 3, 3 … s (+ up to 0.5 s jitter): a watch
 * resumes at most ~3.5 s after the API server is back. The relay never gives up by default:
 * readiness reports a failing watch, and a restart would only add CrashLoopBackOff delays.
 */
export const DEFAULT_WATCH_BACKOFF: WatchBackoff = {
  baseMs: 250,
  capMs: 3_000,
  jitterMs: 500,
  kindCapMs: 120_000,
  maxErrors: Number.POSITIVE_INFINITY,
  renewMs: 900_000,
};

export type WatchPhase = "starting" | "watching" | "retrying" | "gave-up" | "stopped";

export interface WatchStatus {
  readonly phase: WatchPhase;
  /** Consecutive failures; 0 once a watch is established. */
  readonly errors: number;
  /** The failure that put the watch in `retrying` / `gave-up`. */
  readonly lastError?: ClusterError;
  /** When `retrying`, the delay before the next attempt. */
  readonly retryInMs?: number;
}

export interface KindWatchOptions {
  readonly cluster: Pick<ClusterApi, "list"> & ClusterWatcher;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  /** `replay`: the event comes from a (re-)list, not from the stream. */
  readonly onEvent: (event: WatchEvent, replay: boolean) => void;
  /** Called with every (re-)list, before its objects are replayed: the complete set, so a consumer can forget what is gone. */
  readonly onList?: (objects: readonly KubeObject[]) => void;
  readonly onStatus?: (status: WatchStatus) => void;
  readonly logger: Logger;
  readonly backoff: WatchBackoff;
  readonly random?: () => number;
}

export interface KindWatch {
  stop(): void;
  /** Re-lists as soon as possible (the relay dropped some of this kind's events). */
  relist(): void;
  status(): WatchStatus;
  /** Resolves when stopped; rejects when the watch gave up. */
  readonly done: Promise<void>;
}

/** 403 and 404 are about the kind itself (RBAC, CRD), not about the connection. */
export function isKindError(error: ClusterError): boolean {
  return error.reason === "Forbidden" || error.reason === "NotFound";
}

/** Streams ending (normally or 410) sooner than this, twice in a row, back off: never a tight loop. */
const SHORT_STREAM_MS = 1_000;

interface LoopState {
  stopped: boolean;
  relistWanted: boolean;
  status: WatchStatus;
  wake: () => void;
  stopCurrent: () => void;
}

export function watchKind(options: KindWatchOptions): KindWatch {
  const state: LoopState = { stopped: false, relistWanted: false, status: { phase: "starting", errors: 0 }, wake: () => {}, stopCurrent: () => {} };
  const done = loop(options, state).finally(() => {
    if (state.status.phase !== "gave-up") report(options, state, { phase: "stopped", errors: 0 });
  });
  return {
    stop() {
      state.stopped = true;
      state.stopCurrent();
      state.wake();
    },
    relist() {
      // A watch waiting out a backoff re-lists on its next attempt anyway: no wake, the backoff holds.
      state.relistWanted = true;
      state.stopCurrent();
    },
    status: () => state.status,
    done,
  };
}

function report(options: KindWatchOptions, state: LoopState, status: WatchStatus): void {
  state.status = status;
  options.onStatus?.(status);
}

type Attempt =
  { readonly end: "ok" | "gone" | "renew"; readonly livedMs: number } | { readonly end: "failed"; readonly error: ClusterError; readonly livedMs: number };

async function loop(options: KindWatchOptions, state: LoopState): Promise<void> {
  let errors = 0;
  let quickEnds = 0;
  let resourceVersion: string | undefined;
  while (!state.stopped) {
    if (state.relistWanted) resourceVersion = undefined;
    state.relistWanted = false;
    const attempt = await listAndWatch(options, state, resourceVersion, (rv) => (resourceVersion = rv));
    if (attempt.end === "gone") resourceVersion = undefined;
    if (attempt.end !== "failed") {
      errors = 0;
      const quick = (attempt.end === "ok" || attempt.end === "gone") && attempt.livedMs < SHORT_STREAM_MS;
      quickEnds = quick ? quickEnds + 1 : 0;
      // One quick end is normal (a resourceVersion that expired during an outage); a run of them must not spin.
      if (quickEnds > 1) await sleep(state, backoffDelayMs(options.backoff, quickEnds - 1, options.random));
      continue;
    }
    quickEnds = 0;
    // A stream that lived a while before failing starts a new streak: a long-healthy watch gets the short first delay.
    errors = attempt.livedMs > options.backoff.capMs ? 1 : errors + 1;
    if (state.stopped) return;
    if (errors > options.backoff.maxErrors) {
      report(options, state, { phase: "gave-up", errors, lastError: attempt.error });
      throw new Error(`watch of ${options.kind} in ${options.namespace || "all namespaces"}: gave up after ${options.backoff.maxErrors} consecutive errors`);
    }
    const delay = retryDelayMs(options, attempt.error, errors);
    options.logger.debug(`Watch of ${options.kind} failed; retrying.`, {
      namespace: options.namespace,
      reason: attempt.error.reason,
      error: attempt.error.message,
      retryInMs: Math.round(delay),
    });
    report(options, state, { phase: "retrying", errors, lastError: attempt.error, retryInMs: Math.round(delay) });
    await sleep(state, delay);
  }
}

function retryDelayMs(options: KindWatchOptions, error: ClusterError, errors: number): number {
  const { backoff } = options;
  const policy = isKindError(error) ? { ...backoff, capMs: Math.max(backoff.kindCapMs ?? 120_000, backoff.capMs) } : backoff;
  return backoffDelayMs(policy, errors, options.random);
}

/** One round: list when there is no resourceVersion to resume from, then stream until the stream ends. */
async function listAndWatch(options: KindWatchOptions, state: LoopState, from: string | undefined, seen: (rv: string) => void): Promise<Attempt> {
  let resourceVersion = from;
  if (resourceVersion === undefined) {
    const listed = await relist(options);
    if (!listed.ok) return { end: "failed", error: listed.error, livedMs: 0 };
    resourceVersion = listed.value;
    seen(resourceVersion);
  }
  return streamFrom(options, state, resourceVersion, seen);
}

/** Lists the kind and replays every object; returns the list's resourceVersion. */
async function relist(options: KindWatchOptions): Promise<{ ok: true; value: string } | { ok: false; error: ClusterError }> {
  const listed = await options.cluster.list(options.apiVersion, options.kind, { namespace: options.namespace });
  if (!listed.ok) return listed;
  const objects = listed.value.items.map((item) => ({ ...item, apiVersion: options.apiVersion, kind: options.kind }));
  options.onList?.(objects);
  for (const object of objects) options.onEvent({ type: "ADDED", object }, true);
  return { ok: true, value: listed.value.resourceVersion };
}

async function streamFrom(options: KindWatchOptions, state: LoopState, from: string, seen: (rv: string) => void): Promise<Attempt> {
  const started = await options.cluster.watch(options.apiVersion, options.kind, { namespace: options.namespace, resourceVersion: from }, (event) => {
    const rv = resourceVersionOf(event);
    if (rv !== undefined) seen(rv);
    if (event.type !== "BOOKMARK") options.onEvent(event, false);
  });
  if (!started.ok) return started.error.reason === "Gone" ? { end: "gone", livedMs: 0 } : { end: "failed", error: started.error, livedMs: 0 };
  if (state.stopped || state.relistWanted) {
    // stop() or relist() came while the watch was being opened.
    started.value.stop();
    return { end: "renew", livedMs: 0 };
  }
  report(options, state, { phase: "watching", errors: 0 });
  const since = Date.now();
  let renewed = false;
  const renew = setTimeout(() => {
    renewed = true;
    started.value.stop();
  }, options.backoff.renewMs);
  state.stopCurrent = () => started.value.stop();
  const ended = await started.value.done;
  clearTimeout(renew);
  state.stopCurrent = () => {};
  const livedMs = Date.now() - since;
  if (state.stopped || renewed || state.relistWanted) return { end: "renew", livedMs };
  if (!ended.ok) return ended.error.reason === "Gone" ? { end: "gone", livedMs } : { end: "failed", error: ended.error, livedMs };
  // The server closed the stream normally: resume from the last resourceVersion seen.
  return { end: "ok", livedMs };
}

function resourceVersionOf(event: WatchEvent): string | undefined {
  const metadata = event.object.metadata;
  const rv = isMap(metadata) ? metadata.resourceVersion : undefined;
  return typeof rv === "string" ? rv : undefined;
}

function sleep(state: LoopState, ms: number): Promise<void> {
  if (state.stopped) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    state.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}
