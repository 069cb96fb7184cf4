/**
 * A narrow SQS client: the five actions Koreo calls, over SQS's AWS JSON 1.0
 * protocol (POST, `X-Amz-Target: AmazonSQS.<Action>`), signed with SigV4 by
 * aws4fetch. @aws-sdk/client-sqs with its Smithy runtime was ~450 KiB of the
 * reconcile bundle and a large share of its cold import for these five calls.
 *
 * Inputs and outputs keep SQS's own member names (the JSON protocol's), which
 * are also the SDK's: the SDK's aggregated `SQS` client satisfies `SqsApi`
 * structurally, so tests can check this client against it.
 */
import { AwsClient } from "aws4fetch";

/** AWS credentials; `expiration` on temporary ones. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Asked before every request: a provider of temporary credentials must refresh them itself before they expire. */
export type CredentialsProvider = () => Promise<AwsCredentials>;

export interface SqsMessage {
  readonly MessageId?: string;
  readonly ReceiptHandle?: string;
  readonly MD5OfBody?: string;
  readonly Body?: string;
  /** System attributes (ApproximateReceiveCount, MessageGroupId, …) when asked for. */
  readonly Attributes?: Record<string, string>;
}

export interface BatchResultError {
  readonly Id: string | undefined;
  readonly Code: string | undefined;
  readonly Message?: string;
  readonly SenderFault?: boolean;
}

/** Every batch action answers with the entries that worked and those that did not. */
export interface BatchResult {
  readonly Successful?: readonly { readonly Id: string | undefined }[];
  readonly Failed?: readonly BatchResultError[];
}

export interface SendMessageInput {
  readonly QueueUrl: string;
  readonly MessageBody: string;
  readonly DelaySeconds?: number;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
}

export interface SendMessageBatchInput {
  readonly QueueUrl: string;
  readonly Entries: (Omit<SendMessageInput, "QueueUrl"> & { readonly Id: string })[];
}

export type SystemAttributeName =
  | "All"
  | "ApproximateFirstReceiveTimestamp"
  | "ApproximateReceiveCount"
  | "AWSTraceHeader"
  | "MessageDeduplicationId"
  | "MessageGroupId"
  | "SenderId"
  | "SentTimestamp"
  | "SequenceNumber";

/* Arrays in inputs are mutable, as in the SDK's types, so that the SDK's client satisfies SqsApi. */
export interface ReceiveMessageInput {
  readonly QueueUrl: string;
  readonly MaxNumberOfMessages?: number;
  /** Long poll: up to 20 s. */
  readonly WaitTimeSeconds?: number;
  readonly VisibilityTimeout?: number;
  readonly MessageSystemAttributeNames?: SystemAttributeName[];
  readonly MessageAttributeNames?: string[];
}

export interface DeleteMessageBatchInput {
  readonly QueueUrl: string;
  readonly Entries: { readonly Id: string; readonly ReceiptHandle: string }[];
}

export interface ChangeMessageVisibilityBatchInput {
  readonly QueueUrl: string;
  readonly Entries: { readonly Id: string; readonly ReceiptHandle: string; readonly VisibilityTimeout?: number }[];
}

/** The SQS actions Koreo calls (method names as in the SDK's aggregated client). */
export interface SqsApi {
  sendMessage(input: SendMessageInput): Promise<{ readonly MessageId?: string }>;
  sendMessageBatch(input: SendMessageBatchInput): Promise<BatchResult>;
  receiveMessage(input: ReceiveMessageInput): Promise<{ readonly Messages?: readonly SqsMessage[] }>;
  deleteMessageBatch(input: DeleteMessageBatchInput): Promise<BatchResult>;
  changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchInput): Promise<BatchResult>;
}

/**
 * An error SQS answered with, named like the SDK names it (the exception's name, e.g.
 * QueueDoesNotExist, RequestThrottled) with the HTTP status in `$metadata`, so code that
 * classifies SDK errors (src/relay/send-failure.ts) reads ours the same way.
 */
export class SqsServiceError extends Error {
  readonly $metadata: { readonly httpStatusCode: number };
  /** The AWS Query error code (`x-amzn-query-error`), e.g. AWS.SimpleQueueService.NonExistentQueue. */
  readonly Code: string | undefined;
  constructor(name: string, message: string, httpStatusCode: number, code?: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode };
    this.Code = code;
  }
}

export interface SqsClientOptions {
  /** The signing region. */
  readonly region: string;
  readonly credentials: CredentialsProvider;
  /** Where requests go; default: the origin of each request's QueueUrl (as the SDK does, `useQueueUrlAsEndpoint`). */
  readonly endpoint?: string;
  /** Attempts per call, the first included; default 3 (the SDK's standard retry mode). */
  readonly maxAttempts?: number;
  /** Per attempt, on top of a long poll's wait; default 10 s. */
  readonly timeoutMs?: number;
  /** Tests: the jitter source and the wait between attempts. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createSqsClient(options: SqsClientOptions): SqsApi {
  const call = caller(options);
  return {
    sendMessage: (input) => call("SendMessage", input),
    sendMessageBatch: (input) => call("SendMessageBatch", input),
    receiveMessage: (input) => call("ReceiveMessage", input, input.WaitTimeSeconds ?? 0),
    deleteMessageBatch: (input) => call("DeleteMessageBatch", input),
    changeMessageVisibilityBatch: (input) => call("ChangeMessageVisibilityBatch", input),
  };
}

/** SDK names of errors that mean "slow down" (its THROTTLING_ERROR_CODES). */
const THROTTLING = new Set([
  "RequestThrottled",
  "RequestThrottledException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "LimitExceededException",
  "KmsThrottled",
  "SlowDown",
  "BandwidthLimitExceeded",
]);

const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

/**
 * Retries like the SDK's standard mode: 3 attempts, on throttling, 5xx and network errors (no
 * answer, or none in time), waiting a full-jitter exponential backoff (base 100 ms, 500 ms when
 * throttled, capped at 20 s). The SDK's retry token bucket is left out: a Lambda makes a handful
 * of calls per invocation. Anything else (a missing queue, access denied) throws at once.
 */
function caller(options: SqsClientOptions) {
  const maxAttempts = options.maxAttempts ?? 3;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async <T>(action: string, input: { readonly QueueUrl: string }, waitSeconds = 0): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await attemptOnce(options, action, input, waitSeconds)) as T;
      } catch (error) {
        const retry = retryKind(error);
        if (retry === undefined || attempt >= maxAttempts) throw error;
        const baseMs = retry === "throttled" ? 500 : 100;
        await sleep(random() * Math.min(20_000, baseMs * 2 ** (attempt - 1)));
      }
    }
  };
}

function retryKind(error: unknown): "throttled" | "transient" | undefined {
  if (!(error instanceof SqsServiceError)) return error instanceof SqsNetworkError ? "transient" : undefined;
  if (THROTTLING.has(error.name) || error.$metadata.httpStatusCode === 429) return "throttled";
  return TRANSIENT_STATUS.has(error.$metadata.httpStatusCode) ? "transient" : undefined;
}

/** No answer (refused, reset, timed out): `code` is Node's (ECONNREFUSED …) or TimeoutError. */
export class SqsNetworkError extends Error {
  readonly code: string;
  constructor(action: string, cause: unknown) {
    const detail = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
    const code = typeof detail === "object" && detail !== null && "code" in detail && typeof detail.code === "string" ? detail.code : undefined;
    const message = detail instanceof Error ? detail.message : String(detail);
    super(`SQS ${action}: ${message}`, { cause });
    this.code = code ?? (cause instanceof Error ? cause.name : "NetworkError");
  }
}

async function attemptOnce(options: SqsClientOptions, action: string, input: { readonly QueueUrl: string }, waitSeconds: number): Promise<unknown> {
  const credentials = await options.credentials();
  const signer = new AwsClient({ ...credentials, service: "sqs", region: options.region, retries: 0 });
  const url = options.endpoint ?? `${new URL(input.QueueUrl).origin}/`;
  const request = await signer.sign(url, {
    method: "POST",
    // x-amzn-query-mode: SQS then also sends the AWS Query error code (x-amzn-query-error), as it does for the SDK.
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}`, "x-amzn-query-mode": "true" },
    body: JSON.stringify(input),
  });
  let response: Response;
  let text: string;
  try {
    response = await fetch(request, { signal: AbortSignal.timeout(waitSeconds * 1000 + (options.timeoutMs ?? 10_000)) });
    text = await response.text();
  } catch (error) {
    throw new SqsNetworkError(action, error);
  }
  if (response.ok) return text === "" ? {} : JSON.parse(text);
  throw serviceError(response, text);
}

/** `{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"…"}` → an error named QueueDoesNotExist. */
function serviceError(response: Response, text: string): SqsServiceError {
  const body = parseObject(text);
  const type = typeof body.__type === "string" ? body.__type : "";
  const name = type.slice(type.lastIndexOf("#") + 1) || `Http${response.status}`;
  const message = typeof body.message === "string" ? body.message : typeof body.Message === "string" ? body.Message : text.slice(0, 300);
  const queryCode = response.headers.get("x-amzn-query-error")?.split(";")[0];
  return new SqsServiceError(name, message || name, response.status, queryCode);
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
