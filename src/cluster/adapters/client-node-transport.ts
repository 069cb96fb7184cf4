import * as http from "node:http";
import * as https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { isMap, parseJsonValue, toJsonText, type Value } from "../../value/value.ts";
import type { ClusterResult } from "../cluster-api.ts";
import { fail, ok, reasonForStatus } from "../errors.ts";

/**
 * The slice of client-node's KubeConfig the REST transport uses: the server
 * address and per-request auth (tokens, exec plugins, client certificates).
 */
export type KubeConfigSlice = Pick<KubeConfig, "getCurrentCluster" | "applyToHTTPSOptions">;

export interface RestRequest {
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: Value;
  readonly contentType?: string;
}

export interface RestTransport {
  /** Resolves to the parsed JSON body (ints as bigint) or a typed error; never rejects. */
  send(request: RestRequest): Promise<ClusterResult<Value>>;
}

export interface TransportOptions {
  readonly timeoutMs: number;
  /** Overrides the kubeconfig's credentials per request (EKS tokens, which expire). */
  readonly bearerToken?: () => Promise<string>;
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

function urlOf(server: string, request: RestRequest): URL {
  const url = new URL(server.replace(/\/+$/, "") + request.path);
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  return url;
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

  function exchange(url: URL, method: string, headers: http.OutgoingHttpHeaders, agentToUse: http.Agent, body: string | undefined) {
    return new Promise<ClusterResult<Value>>((resolve) => {
      const client = url.protocol === "http:" ? http : https;
      const req = client.request(url, { method, headers, agent: agentToUse }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => resolve(fail("Unavailable", `${method} ${url.pathname}: ${error.message}`)));
        res.on("end", () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) return resolve(fail(reasonForStatus(status), statusMessage(status, text), status));
          resolve(parseBody(text));
        });
      });
      const timer = setTimeout(() => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
      req.on("error", (error) => {
        clearTimeout(timer);
        resolve(fail("Unavailable", `${method} ${url.pathname}: ${error.message}`));
      });
      req.end(body);
    });
  }

  async function send(request: RestRequest): Promise<ClusterResult<Value>> {
    try {
      const cluster = kubeConfig.getCurrentCluster();
      if (!cluster) return fail("Unknown", "kubeconfig has no current cluster");
      const url = urlOf(cluster.server, request);
      const body = request.body === undefined ? undefined : toJsonText(request.body);
      const { headers, tls } = await headersFor(body, request.contentType);
      return await exchange(url, request.method, headers, agentFor(url, tls), body);
    } catch (error) {
      // Credential plugins and URL parsing throw; the port promises results.
      return fail("Unknown", error instanceof Error ? error.message : String(error));
    }
  }

  return { send };
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
