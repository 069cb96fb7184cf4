/**
 * The relay's event source: list-then-watch one kind in one namespace, forever.
 * Resumes from the last resourceVersion seen (events and bookmarks); a 410 Gone
 * re-lists (replaying ADDED for every object, SRV-1; `onList` gets the whole set
 * first, since objects deleted meanwhile produce no event). Errors back off
 * `min(2^n·base, cap) + U[0,jitter)` (CTL-4/CTL-7 numbers by default) and after
 * `maxErrors` consecutive failures the watch gives up, which stops the relay (its
 * Deployment restarts it).
 */
import type { ClusterApi, ClusterWatcher, KubeObject, WatchEvent } from "../cluster/cluster-api.ts";
import type { Logger } from "../ports/logger.ts";
import { isMap } from "../value/value.ts";

export interface WatchBackoff {
  readonly baseMs: number;
  readonly capMs: number;
  readonly jitterMs: number;
  readonly maxErrors: number;
  /** CTL-4: a healthy watch is re-established this often anyway (full re-list). */
  readonly renewMs: number;
}

export const DEFAULT_WATCH_BACKOFF: WatchBackoff = { baseMs: 30_000, capMs: 900_000, jitterMs: 30_000, maxErrors: 10, renewMs: 900_000 };

export interface KindWatchOptions {
  readonly cluster: Pick<ClusterApi, "list"> & ClusterWatcher;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  /** `replay`: the event comes from a (re-)list, not from the stream. */
  readonly onEvent: (event: WatchEvent, replay: boolean) => void;
  /** Called with every (re-)list, before its objects are replayed: the complete set, so a consumer can forget what is gone. */
  readonly onList?: (objects: readonly KubeObject[]) => void;
  readonly logger: Logger;
  readonly backoff: WatchBackoff;
  readonly random?: () => number;
}

export interface KindWatch {
  stop(): void;
  /** Resolves when stopped; rejects when the watch gave up. */
  readonly done: Promise<void>;
}

export function watchKind(options: KindWatchOptions): KindWatch {
  const state = { stopped: false, wake: () => {}, stopCurrent: () => {} };
  const done = loop(options, state);
  return {
    stop() {
      state.stopped = true;
      state.stopCurrent();
      state.wake();
    },
    done,
  };
}

type LoopState = { stopped: boolean; wake: () => void; stopCurrent: () => void };

async function loop(options: KindWatchOptions, state: LoopState): Promise<void> {
  let errors = 0;
  let resourceVersion: string | undefined;
  while (!state.stopped) {
    if (resourceVersion === undefined) resourceVersion = await relist(options);
    const ended = resourceVersion === undefined ? "failed" : await streamFrom(options, state, resourceVersion, (rv) => (resourceVersion = rv));
    if (ended === "ok") errors = 0;
    if (ended === "gone" || ended === "renew") resourceVersion = undefined;
    if (ended !== "failed") continue;
    errors += 1;
    if (errors > options.backoff.maxErrors)
      throw new Error(`watch of ${options.kind} in ${options.namespace}: gave up after ${options.backoff.maxErrors} consecutive errors`);
    await sleep(state, backoffMs(options, errors));
  }
}

/** Lists the kind and replays every object; returns the list's resourceVersion, undefined on failure. */
async function relist(options: KindWatchOptions): Promise<string | undefined> {
  const listed = await options.cluster.list(options.apiVersion, options.kind, { namespace: options.namespace });
  if (!listed.ok) {
    options.logger.warn(`Listing ${options.kind} in ${options.namespace} failed.`, { error: listed.error.message });
    return undefined;
  }
  const objects = listed.value.items.map((item) => ({ ...item, apiVersion: options.apiVersion, kind: options.kind }));
  options.onList?.(objects);
  for (const object of objects) options.onEvent({ type: "ADDED", object }, true);
  return listed.value.resourceVersion;
}

type StreamEnd = "ok" | "gone" | "renew" | "failed";

async function streamFrom(options: KindWatchOptions, state: LoopState, from: string, seen: (rv: string) => void): Promise<StreamEnd> {
  const started = await options.cluster.watch(options.apiVersion, options.kind, { namespace: options.namespace, resourceVersion: from }, (event) => {
    const rv = resourceVersionOf(event);
    if (rv !== undefined) seen(rv);
    if (event.type !== "BOOKMARK") options.onEvent(event, false);
  });
  if (!started.ok) return started.error.reason === "Gone" ? "gone" : "failed";
  if (state.stopped) {
    // stop() came while the watch was being opened.
    started.value.stop();
    return "renew";
  }
  let renewed = false;
  const renew = setTimeout(() => {
    renewed = true;
    started.value.stop();
  }, options.backoff.renewMs);
  state.stopCurrent = () => started.value.stop();
  const ended = await started.value.done;
  clearTimeout(renew);
  if (state.stopped || renewed) return "renew";
  if (!ended.ok) return ended.error.reason === "Gone" ? "gone" : "failed";
  // The server closed the stream normally: resume from the last resourceVersion seen.
  return "ok";
}

function resourceVersionOf(event: WatchEvent): string | undefined {
  const metadata = event.object.metadata;
  const rv = isMap(metadata) ? metadata.resourceVersion : undefined;
  return typeof rv === "string" ? rv : undefined;
}

function backoffMs(options: KindWatchOptions, errors: number): number {
  const { baseMs, capMs, jitterMs } = options.backoff;
  return Math.min(2 ** (errors - 1) * baseMs, capMs) + (options.random ?? Math.random)() * jitterMs;
}

function sleep(state: LoopState, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    state.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}
