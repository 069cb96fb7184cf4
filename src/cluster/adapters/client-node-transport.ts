import * as http from "node:http";
import * as https from "node:https";
import { isMap, parseJsonValue, toJsonText, type Value } from "../../value/index.ts";
import type { ClusterResult } from "../cluster-api.ts";
import { fail, ok, reasonForStatus } from "../errors.ts";

/**
 * The slice of a kubeconfig the REST transport uses: the server address and
 * per-request auth (tokens, exec plugins, client certificates). client-node's
 * KubeConfig has this shape, so callers may pass one; kube-access.ts builds
 * one without client-node (which keeps client-node out of the Lambda bundle).
 */
export interface KubeConfigSlice {
  getCurrentCluster(): { readonly server: string; readonly skipTLSVerify: boolean; readonly tlsServerName?: string | undefined } | null;
  applyToHTTPSOptions(options: https.RequestOptions): Promise<void>;
}

export interface RestRequest {
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: Value;
  readonly contentType?: string;
}

/** A 2xx response whose body is read as it arrives (watches). */
export interface OpenStream {
  readonly response: http.IncomingMessage;
  /** Ends the request and its socket; idempotent. */
  close(): void;
}

export interface RestTransport {
  /** Resolves to the parsed JSON body (ints as bigint) or a typed error; never rejects. */
  send(request: RestRequest): Promise<ClusterResult<Value>>;
  /** A GET whose 2xx body is handed over unread; a non-2xx answer, a failure or no headers within the timeout is a typed error. Never rejects. */
  open(path: string, query: Readonly<Record<string, string | undefined>>): Promise<ClusterResult<OpenStream>>;
}

export interface TransportOptions {
  readonly timeoutMs: number;
  /** Overrides the kubeconfig's credentials per request (EKS tokens, which expire). */
  readonly bearerToken?: () => Promise<string>;
}

interface Prepared {
  readonly url: URL;
  readonly method: string;
  readonly headers: http.OutgoingHttpHeaders;
  readonly agent: http.Agent;
  readonly body: string | undefined;
}

function statusMessage(status: number, text: string): string {
  try {
    const body = parseJsonValue(text);
    if (isMap(body) && typeof body.message === "string") return body.message;
  } catch {
    // Not a Status object (proxies, load balancers); fall back to the raw text.
  }
  return text.trim() || http.STATUS_CODES[status] || `HTTP ${status}`;
}

function urlOf(server: string, path: string, query: Readonly<Record<string, string | undefined>> | undefined): URL {
  const url = new URL(server.replace(/\/+$/, "") + path);
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

function readText(res: http.IncomingMessage, onText: (text: string) => void, onError: (error: Error) => void): void {
  const chunks: Buffer[] = [];
  res.on("data", (chunk: Buffer) => chunks.push(chunk));
  res.on("error", onError);
  res.on("end", () => onText(Buffer.concat(chunks).toString("utf8")));
}

function errorOf(status: number, text: string): ClusterResult<never> {
  return fail(reasonForStatus(status), statusMessage(status, text), status);
}

/**
 * REST over node:http(s) with the kubeconfig's auth. The adapter does not use
 * KubernetesObjectApi for CRUD because its typed (de)serialization is lossy:
 * it drops fields its models don't know (e.g. `x-kubernetes-preserve-unknown-fields`
 * in CRDs, new built-in fields) and rewrites timestamps; the engine compares
 * live objects field by field (RF-22), so it needs the wire JSON as sent.
 */
export function createRestTransport(kubeConfig: KubeConfigSlice, options: TransportOptions): RestTransport {
  let agent: http.Agent | undefined;

  /** One keep-alive agent per adapter: client-node builds a fresh one per request, costing a TLS handshake each time. */
  function agentFor(url: URL, tls: https.RequestOptions): http.Agent {
    if (agent) return agent;
    const cluster = kubeConfig.getCurrentCluster();
    agent =
      url.protocol === "http:"
        ? new http.Agent({ keepAlive: true })
        : new https.Agent({
            keepAlive: true,
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            pfx: tls.pfx,
            passphrase: tls.passphrase,
            rejectUnauthorized: cluster?.skipTLSVerify ? false : tls.rejectUnauthorized,
            servername: cluster?.tlsServerName,
          });
    return agent;
  }

  async function headersFor(
    body: string | undefined,
    contentType: string | undefined,
  ): Promise<{ headers: http.OutgoingHttpHeaders; tls: https.RequestOptions }> {
    const tls: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(tls);
    const headers: http.OutgoingHttpHeaders = { ...headerMap(tls.headers), accept: "application/json" };
    if (tls.auth) headers.authorization = `Basic ${Buffer.from(tls.auth).toString("base64")}`;
    if (options.bearerToken) headers.authorization = `Bearer ${await options.bearerToken()}`;
    if (body !== undefined) {
      headers["content-type"] = contentType ?? "application/json";
      headers["content-length"] = Buffer.byteLength(body);
    }
    return { headers, tls };
  }

  /** URL, headers and agent of a request; throws on a missing cluster, bad URLs and failing credential plugins. */
  async function prepare(request: RestRequest): Promise<Prepared> {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    const url = urlOf(cluster.server, request.path, request.query);
    const body = request.body === undefined ? undefined : toJsonText(request.body);
    const { headers, tls } = await headersFor(body, request.contentType);
    return { url, method: request.method, headers, agent: agentFor(url, tls), body };
  }

  /**
   * Starts a request. The timeout runs until `onResponse` calls `stopTimer`
   * (after the body for plain requests, at the headers for streams) and then
   * destroys the request; `onFailure` gets connection errors and the timeout.
   */
  function start(
    p: Prepared,
    onResponse: (res: http.IncomingMessage, req: http.ClientRequest, stopTimer: () => void) => void,
    onFailure: (message: string) => void,
  ): void {
    const client = p.url.protocol === "http:" ? http : https;
    const req = client.request(p.url, { method: p.method, headers: p.headers, agent: p.agent }, (res) => onResponse(res, req, () => clearTimeout(timer)));
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      onFailure(`${p.method} ${p.url.pathname}: ${error.message}`);
    });
    req.end(p.body);
  }

  function exchange(p: Prepared): Promise<ClusterResult<Value>> {
    return new Promise<ClusterResult<Value>>((resolve) => {
      const unavailable = (message: string) => resolve(fail("Unavailable", message));
      start(
        p,
        (res, _req, stopTimer) => {
          const status = res.statusCode ?? 0;
          readText(
            res,
            (text) => {
              stopTimer();
              resolve(status < 200 || status > 299 ? errorOf(status, text) : parseBody(text));
            },
            (error) => {
              stopTimer();
              unavailable(`${p.method} ${p.url.pathname}: ${error.message}`);
            },
          );
        },
        unavailable,
      );
    });
  }

  function stream(p: Prepared): Promise<ClusterResult<OpenStream>> {
    return new Promise<ClusterResult<OpenStream>>((resolve) => {
      start(
        p,
        (res, req, stopTimer) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status <= 299) {
            stopTimer();
            // Watches are idle for long stretches; TCP keep-alive notices a dead peer (client-node does the same).
            req.socket?.setKeepAlive(true, 30_000);
            return resolve(ok({ response: res, close: () => req.destroy() }));
          }
          readText(
            res,
            (text) => (stopTimer(), resolve(errorOf(status, text))),
            (error) => (stopTimer(), resolve(fail("Unavailable", error.message))),
          );
        },
        (message) => resolve(fail("Unavailable", message)),
      );
    });
  }

  /** Credential plugins and URL parsing throw; the port promises results. */
  async function guarded<T>(run: () => Promise<ClusterResult<T>>): Promise<ClusterResult<T>> {
    try {
      return await run();
    } catch (error) {
      return fail("Unknown", error instanceof Error ? error.message : String(error));
    }
  }

  return {
    send: (request) => guarded(async () => exchange(await prepare(request))),
    open: (path, query) => guarded(async () => stream(await prepare({ method: "GET", path, query }))),
  };
}

/** client-node only ever sets header maps; the raw-array form of RequestOptions.headers is not used. */
function headerMap(headers: https.RequestOptions["headers"]): http.OutgoingHttpHeaders {
  if (headers === undefined || isRawHeaderList(headers)) return {};
  return headers;
}

function isRawHeaderList(headers: NonNullable<https.RequestOptions["headers"]>): headers is readonly string[] {
  return Array.isArray(headers);
}

function parseBody(text: string): ClusterResult<Value> {
  if (text.trim() === "") return ok(null);
  try {
    return ok(parseJsonValue(text));
  } catch (error) {
    return fail("Unknown", `unparseable response: ${error instanceof Error ? error.message : String(error)}`);
  }
}
