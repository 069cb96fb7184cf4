import type { ClusterError, ClusterErrorReason, ClusterResult } from "./cluster-api.ts";

/** The HTTP status a reason stands for, so in-memory errors look like the API server's. */
const STATUS_OF_REASON: Readonly<Record<ClusterErrorReason, number | undefined>> = {
  NotFound: 404,
  Conflict: 409,
  Invalid: 422,
  Forbidden: 403,
  TooManyRequests: 429,
  Unavailable: 503,
  Gone: 410,
  Unknown: undefined,
};

export function ok<T>(value: T): ClusterResult<T> {
  return { ok: true, value };
}

export function clusterError(reason: ClusterErrorReason, message: string, status = STATUS_OF_REASON[reason]): ClusterError {
  return status === undefined ? { reason, message } : { reason, message, status };
}

export function fail<T>(reason: ClusterErrorReason, message: string, status?: number): ClusterResult<T> {
  return { ok: false, error: clusterError(reason, message, status) };
}

/** Maps an HTTP status from the API server to the engine's error vocabulary (RF-20, RF-28). */
export function reasonForStatus(status: number): ClusterErrorReason {
  if (status === 404) return "NotFound";
  if (status === 409) return "Conflict";
  if (status === 400 || status === 422) return "Invalid";
  if (status === 401 || status === 403) return "Forbidden";
  if (status === 410) return "Gone";
  if (status === 429) return "TooManyRequests";
  if (status >= 500) return "Unavailable";
  return "Unknown";
}

/** Reasons worth another attempt for an idempotent read. */
export function isTransient(reason: ClusterErrorReason): boolean {
  return reason === "Unavailable" || reason === "TooManyRequests";
}
