/**
 * What the relay's watches are doing, for /readyz, /metrics and the logs. Fed by
 * each watch's status changes (watch.ts); logs transitions, not attempts:
 * - a kind the relay may not watch (403) or that vanished (404): one ERROR naming
 *   the kind and the reason when it starts failing, one INFO when it is back;
 * - the API server unreachable: one WARN when the first watch loses it, one INFO
 *   when every watch that lost it is watching again (with the outage's length).
 */
import type { ClusterError } from "../cluster/index.ts";
import type { Logger } from "../ports/index.ts";
import { isKindError, type WatchStatus } from "./watch.ts";

export interface WatchTarget {
  readonly role: "trigger" | "definition";
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
}

export function createWatchHealth(logger: Logger, now: () => number = Date.now): WatchHealth {
  const entries = new Map<string, WatchEntry>();
  const errors = new Map<string, number>();
  const unreachable = new Set<string>();
  let outageSince: number | undefined;

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
    if (outageSince !== undefined) return;
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
    logger.info("The Kubernetes API server is back; every watch resumed.", { outageMs: now() - outageSince });
    outageSince = undefined;
  };

  return {
    update(key, target, status) {
      const previous = entries.get(key)?.status;
      if (status.phase === "stopped") {
        entries.delete(key);
        unreachable.delete(key);
        if (unreachable.size === 0) outageSince = undefined;
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
