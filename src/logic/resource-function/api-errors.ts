/**
 * How API failures become outcomes (RF-20, RF-21, RF-28): classified once,
 * here. Throttling, server errors and timeouts retry; requests the server
 * rejects as invalid or forbidden need a human (PermFail).
 */
import type { ClusterError } from "../../cluster/index.ts";
import { Outcome } from "../../outcome/index.ts";

/** RF-20 / RF-44: Retry delay after a failed read of the live resource. */
export const READ_RETRY_DELAY = 30;

export function isTransient(error: ClusterError): boolean {
  return error.reason === "TooManyRequests" || error.reason === "Unavailable";
}

/** `<status>: <message>` when the server answered, else the client's message. */
export function describeError(error: ClusterError): string {
  return error.status !== undefined ? `${error.status}: ${error.message}` : error.message;
}

/** RF-20: anything but 404 on the read retries in 30 s. */
export function readFailure(error: ClusterError, kind: string, name: string): Outcome {
  const text = error.status !== undefined ? `ServerError loading ${kind} ${name}.` : `Failure loading ${kind} ${name}.`;
  return Outcome.retry(READ_RETRY_DELAY, `${text} (${describeError(error)})`);
}

/** RF-21 with its recommendation: 409 waits on the competitor; 429/5xx/timeouts retry; other rejections are PermFail. */
export function createFailure(error: ClusterError, display: string, delay: number): Outcome {
  if (error.reason === "Conflict") return Outcome.retry(delay, `Waiting on competing creation of ${display}.`);
  const text = `Error creating ${display}: ${describeError(error)}`;
  return isTransient(error) ? Outcome.retry(delay, text) : Outcome.permFail(text);
}

/** RF-28 recommendation for PATCH: 404 → Retry 30 "not found"; 409/429/5xx → Retry with the strategy's delay. */
export function patchFailure(error: ClusterError, display: string, delay: number): Outcome {
  if (error.reason === "NotFound") return Outcome.retry(READ_RETRY_DELAY, `${display} not found while patching; will retry.`);
  const text = `Error patching ${display}: ${describeError(error)}`;
  return error.reason === "Conflict" || isTransient(error) ? Outcome.retry(delay, text) : Outcome.permFail(text);
}

/** RF-28 recommendation for DELETE (404 is handled by the caller as "already deleted"). */
export function deleteFailure(error: ClusterError, display: string, delay: number): Outcome {
  const text = `Error deleting ${display}: ${describeError(error)}`;
  return error.reason === "Conflict" || isTransient(error) ? Outcome.retry(delay, text) : Outcome.permFail(text);
}
