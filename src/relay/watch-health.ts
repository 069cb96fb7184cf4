/**
 * What the relay's watches are doing, for /readyz, /metrics and the logs. Fed by
 * each watch's status changes (watch.ts); logs transitions, not attempts:
 * - a kind the relay may not watch (403) or that vanished (404): one ERROR naming
 *   the kind and the reason when it starts failing, one INFO when it is back;
 * - the API server unreachable: one WARN when the first watch loses it, one ERROR
 *   if it is still unreachable after `stuckAfterMs` (a stuck state: also a metric,
 *   see health.ts), one INFO when every watch that lost it is watching again (with
 *   the outage's length). The retries themselves log at DEBUG only (watch.ts).
 */
import type { ClusterError } from "../cluster/index.ts";
import type { Logger } from "../ports/index.ts";
import { DEFAULT_STUCK_AFTER_MS, type ApiStuck } from "./health.ts";
import { isKindError, type WatchStatus } from "./watch.ts";

export interface WatchTarget {
  readonly role: "trigger" | "definition" | "managed";
  readonly apiVersion: string;
  readonly kind: string;
  /** "" for every namespace. */
  readonly namespace: string;
}

export interface WatchEntry extends WatchTarget {
  readonly status: WatchStatus;
}

export interface WatchHealth {
  update(key: string, target: WatchTarget, status: WatchStatus): void;
  entries(): readonly WatchEntry[];
  /** Failures per `kind|namespace|reason`, since start. */
  errorCounts(): ReadonlyMap<string, number>;
  /** Whether the API server is currently considered unreachable. */
  apiOutage(): boolean;
  /** Whether it has been unreachable for longer than `stuckAfterMs`, and how often that happened. */
  apiStuck(): ApiStuck;
}

export function createWatchHealth(logger: Logger, now: () => number = Date.now, stuckAfterMs: number = DEFAULT_STUCK_AFTER_MS): WatchHealth {
  const entries = new Map<string, WatchEntry>();
  const errors = new Map<string, number>();
  const unreachable = new Set<string>();
  let outageSince: number | undefined;
  let stuckSince: number | undefined;
  let stuckEpisodes = 0;

  // Checked on every retry (every few seconds during an outage), so the ERROR comes at most a retry late.
  const checkStuck = (error: ClusterError) => {
    if (outageSince === undefined || stuckSince !== undefined || now() - outageSince < stuckAfterMs) return;
    stuckSince = now();
    stuckEpisodes += 1;
    const minutes = Math.round((now() - outageSince) / 6_000) / 10;
    logger.error(
      `The Kubernetes API server has been unreachable for ${minutes} min (${error.reason}: ${error.message}): no change reaches the queue. Still retrying.`,
      {
        reason: error.reason,
        outageMs: now() - outageSince,
        watches: unreachable.size,
      },
    );
  };

  const onRetrying = (key: string, target: WatchTarget, status: WatchStatus, previous: WatchStatus | undefined) => {
    const error = status.lastError;
    if (error === undefined) return;
    const counter = `${target.kind}|${target.namespace}|${error.reason}`;
    errors.set(counter, (errors.get(counter) ?? 0) + 1);
    if (isKindError(error)) {
      unreachable.delete(key);
      if (previous?.lastError?.reason !== error.reason) logKindError(logger, target, error, status);
      return;
    }
    unreachable.add(key);
    if (outageSince !== undefined) return checkStuck(error);
    outageSince = now();
    logger.warn(`Lost the Kubernetes API server (${error.reason}: ${error.message}); watches retry every few seconds.`, {
      kind: target.kind,
      namespace: target.namespace,
    });
  };

  const onWatching = (key: string, target: WatchTarget, previous: WatchStatus | undefined) => {
    if (previous?.lastError !== undefined && isKindError(previous.lastError)) {
      logger.info(`Watching ${target.kind} (${target.apiVersion}) in ${describe(target.namespace)} again.`, { kind: target.kind, namespace: target.namespace });
    }
    if (!unreachable.delete(key) || unreachable.size > 0 || outageSince === undefined) return;
    logger.info("The Kubernetes API server is back; every watch resumed.", {
      outageMs: now() - outageSince,
      ...(stuckSince === undefined ? {} : { wasStuck: true }),
    });
    outageSince = undefined;
    stuckSince = undefined;
  };

  return {
    update(key, target, status) {
      const previous = entries.get(key)?.status;
      if (status.phase === "stopped") {
        entries.delete(key);
        unreachable.delete(key);
        if (unreachable.size === 0) outageSince = stuckSince = undefined;
        return;
      }
      entries.set(key, { ...target, status });
      if (status.phase === "retrying") onRetrying(key, target, status, previous);
      if (status.phase === "watching") onWatching(key, target, previous);
      if (status.phase === "gave-up") logger.error(`Gave up watching ${target.kind} in ${describe(target.namespace)}.`, { error: status.lastError?.message });
    },
    entries: () => [...entries.values()],
    errorCounts: () => errors,
    apiOutage: () => outageSince !== undefined,
    apiStuck: () => ({ ...(stuckSince === undefined ? {} : { since: stuckSince }), episodes: stuckEpisodes }),
  };
}

function logKindError(logger: Logger, target: WatchTarget, error: ClusterError, status: WatchStatus): void {
  const why = error.reason === "Forbidden" ? "the relay is not allowed to list/watch it (RBAC)" : "the API server does not serve it (CRD missing or deleted?)";
  logger.error(
    `Cannot watch ${target.kind} (${target.apiVersion}) in ${describe(target.namespace)}: ${error.reason}, ${why}. Retrying with backoff; other kinds are unaffected.`,
    {
      kind: target.kind,
      apiVersion: target.apiVersion,
      namespace: target.namespace,
      reason: error.reason,
      status: error.status,
      error: error.message,
      retryInMs: status.retryInMs,
    },
  );
}

function describe(namespace: string): string {
  return namespace === "" ? "every namespace" : `namespace ${namespace}`;
}
