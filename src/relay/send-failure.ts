/**
 * What went wrong with a send to SQS, for the sender's logs and readiness. Pure.
 * "rejected": SQS answered and refused (queue missing, access denied, bad
 * credentials): an operator must act, so it is an ERROR. "unreachable": no answer,
 * a 5xx or throttling: usually transient, a WARN. Both are retried with backoff.
 */
export interface SendFailure {
  readonly kind: "rejected" | "unreachable";
  /** The SDK's error name (QueueDoesNotExist, AccessDenied …) or the network error code (ECONNREFUSED …). */
  readonly code: string;
  readonly message: string;
}

/** Names SQS and STS use when the caller, not the service, must change something. */
const REJECTIONS: ReadonlySet<string> = new Set([
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "AccessDenied",
  "AccessDeniedException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidSecurity",
  "InvalidAddress",
  "KmsAccessDenied",
  "KmsDisabled",
  "KmsNotFound",
  "CredentialsProviderError",
]);

export function classifySendError(error: unknown): SendFailure {
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  if (REJECTIONS.has(code)) return { kind: "rejected", code, message };
  const status = httpStatusOf(error);
  // A 4xx other than throttling is SQS refusing the request itself; retrying the same request will not help.
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) return { kind: "rejected", code, message };
  return { kind: "unreachable", code, message };
}

function errorCode(error: unknown): string {
  if (typeof error !== "object" || error === null) return "Unknown";
  const fields: { code?: unknown; name?: unknown; Code?: unknown } = error;
  // The SDK names service errors by class (QueueDoesNotExist); Node names network errors by `code` (ECONNREFUSED).
  if (typeof fields.name === "string" && fields.name !== "Error") return fields.name;
  if (typeof fields.Code === "string") return fields.Code;
  if (typeof fields.code === "string") return fields.code;
  return "Unknown";
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("$metadata" in error)) return undefined;
  const metadata = error.$metadata;
  if (typeof metadata !== "object" || metadata === null || !("httpStatusCode" in metadata)) return undefined;
  return typeof metadata.httpStatusCode === "number" ? metadata.httpStatusCode : undefined;
}

/** The names SQS gives a queue that does not exist (the JSON protocol's exception name, the query protocol's code). */
const QUEUE_MISSING: ReadonlySet<string> = new Set(["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"]);

/** A send failed because the queue is not there: a stuck state no retry fixes (an ERROR and a metric, not a WARN stream). */
export function isQueueMissing(failure: SendFailure): boolean {
  return QUEUE_MISSING.has(failure.code);
}

/** The queue's name for logs: the last path segment of its URL (`…/123456789012/koreo-work.fifo`). */
export function queueNameOf(queueUrl: string): string {
  const trimmed = queueUrl.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1) || queueUrl;
}
