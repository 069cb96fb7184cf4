/**
 * A narrow SQS client: the five actions Koreo calls, over SQS's AWS JSON 1.0
 * protocol (POST, `X-Amz-Target: AmazonSQS.<Action>`), signed with SigV4 by
 * aws4 and sent with node:http(s). @aws-sdk/client-sqs with its
 * Smithy runtime was ~450 KiB of the reconcile bundle and a large share of its
 * cold import for these five calls.
 *
 * Inputs and outputs keep SQS's own member names (the JSON protocol's), which
 * are also the SDK's: the SDK's aggregated `SQS` client satisfies `SqsApi`
 * structurally, so tests can check this client against it.
 */
import { Agent as HttpAgent, request as httpRequest, type OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import aws4 from "aws4";

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

/** The client, plus ending its kept-alive connections (as the SDK's `destroy`). */
export interface SqsClient extends SqsApi {
  destroy(): void;
}

export function createSqsClient(options: SqsClientOptions): SqsClient {
  const agents: Agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const call = caller(options, agents);
  return {
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
    },
    sendMessage: (input) => call("SendMessage", input),
    sendMessageBatch: (input) => call("SendMessageBatch", input),
    receiveMessage: (input) => call("ReceiveMessage", input, input.WaitTimeSeconds ?? 0),
    deleteMessageBatch: (input) => call("DeleteMessageBatch", input),
    changeMessageVisibilityBatch: (input) => call("ChangeMessageVisibilityBatch", input),
  };
}

interface Agents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

/** What every call of one client shares: its options and connections. */
interface CallContext {
  readonly options: SqsClientOptions;
  readonly agents: Agents;
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
function caller(options: SqsClientOptions, agents: Agents) {
  const maxAttempts = options.maxAttempts ?? 3;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const context: CallContext = { options, agents };
  return async <T>(action: string, input: { readonly QueueUrl: string }, waitSeconds = 0): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await attemptOnce(context, action, input, waitSeconds)) as T;
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

/**
 * One attempt: signed by aws4 (SigV4 with node:crypto, synchronous; it keeps derived signing
 * keys across requests) and sent with node:http(s) over the client's keep-alive agents. fetch and
 * WebCrypto-based signing cost several times more CPU per request in Node 20 — paid on every
 * Lambda invocation.
 */
async function attemptOnce(context: CallContext, action: string, input: { readonly QueueUrl: string }, waitSeconds: number): Promise<unknown> {
  const { options } = context;
  const credentials = await options.credentials();
  const body = JSON.stringify(input);
  const url = new URL(options.endpoint ?? `${new URL(input.QueueUrl).origin}/`);
  const request = {
    host: url.host,
    path: url.pathname,
    method: "POST",
    service: "sqs",
    region: options.region,
    // x-amzn-query-mode: SQS then also sends the AWS Query error code (x-amzn-query-error), as it does for the SDK.
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}`, "x-amzn-query-mode": "true" },
    body,
  };
  aws4.sign(request, credentials);
  const timeoutMs = waitSeconds * 1000 + (options.timeoutMs ?? 10_000);
  const answer = await exchange(url, request.headers, body, timeoutMs, context.agents).catch((error: unknown) => {
    throw new SqsNetworkError(action, error);
  });
  if (answer.status >= 200 && answer.status < 300) return answer.text === "" ? {} : JSON.parse(answer.text);
  throw serviceError(answer);
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly queryError: string | undefined;
}

/** POSTs `body`; rejects with Node's error (code ECONNREFUSED …) or a TimeoutError when no whole answer came in `timeoutMs`. */
function exchange(url: URL, headers: OutgoingHttpHeaders, body: string, timeoutMs: number, agents: Agents): Promise<Answer> {
  const secure = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const timeout = new Error(`no answer within ${timeoutMs} ms`);
    timeout.name = "TimeoutError";
    const send = secure ? httpsRequest : httpRequest;
    const request = send(url, { method: "POST", headers, agent: secure ? agents.https : agents.http }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        clearTimeout(timer);
        const queryError = response.headers["x-amzn-query-error"];
        resolve({
          status: response.statusCode ?? 0,
          text: Buffer.concat(chunks).toString("utf8"),
          queryError: Array.isArray(queryError) ? queryError[0] : queryError,
        });
      });
    });
    const timer = setTimeout(() => request.destroy(timeout), timeoutMs);
    request.on("error", (error) => (clearTimeout(timer), reject(error)));
    request.end(body);
  });
}

/** `{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"…"}` → an error named QueueDoesNotExist. */
function serviceError(answer: Answer): SqsServiceError {
  const { text } = answer;
  const body = parseObject(text);
  const type = typeof body.__type === "string" ? body.__type : "";
  const name = type.slice(type.lastIndexOf("#") + 1) || `Http${answer.status}`;
  const message = typeof body.message === "string" ? body.message : typeof body.Message === "string" ? body.Message : text.slice(0, 300);
  return new SqsServiceError(name, message || name, answer.status, answer.queryError?.split(";")[0]);
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
