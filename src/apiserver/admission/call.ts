/**
 * POSTs one AdmissionReview to a webhook URL (HTTP or HTTPS, trusting `caBundle` when
 * given) with a hard deadline: a slow or silent webhook costs at most its timeoutSeconds
 * and never hangs the write that waits on it.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Json } from "../json.ts";

/** An answer larger than this is refused: AdmissionReviews are small. */
const MAX_RESPONSE_BYTES = 3 * 1024 * 1024;

/** Keep-alive connections: a new TCP (and TLS) connection per write would cost more than the review itself. */
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
/** One agent per CA bundle (a TLS session trusts one set of CAs); a handful of webhooks at most, so bounded in practice. */
const httpsAgents = new Map<string, HttpsAgent>();
const MAX_HTTPS_AGENTS = 32;

function httpsAgent(caBundle: string | undefined): HttpsAgent {
  const key = caBundle ?? "";
  const known = httpsAgents.get(key);
  if (known !== undefined) return known;
  if (httpsAgents.size >= MAX_HTTPS_AGENTS) {
    for (const old of httpsAgents.values()) old.destroy();
    httpsAgents.clear();
  }
  const ca = key === "" ? {} : { ca: Buffer.from(key, "base64").toString("utf8") };
  const agent = new HttpsAgent({ keepAlive: true, maxSockets: 16, ...ca });
  httpsAgents.set(key, agent);
  return agent;
}

export interface CallOptions {
  readonly timeoutMs: number;
  /** Base64 of PEM CA certificates (clientConfig.caBundle). */
  readonly caBundle?: string | undefined;
}

export function postReview(url: string, body: Json, options: CallOptions): Promise<Json> {
  return new Promise<Json>((resolve, reject) => {
    const target = new URL(url);
    const text = JSON.stringify(body);
    const secure = target.protocol === "https:";
    const send = secure ? httpsRequest : httpRequest;
    const req = send(target, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "content-length": Buffer.byteLength(text) },
      signal: AbortSignal.timeout(options.timeoutMs),
      agent: secure ? httpsAgent(options.caBundle === "" ? undefined : options.caBundle) : httpAgent,
    });
    req.on("error", (error) => reject(error.name === "AbortError" ? new Error(`timeout after ${options.timeoutMs / 1000}s`) : error));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) return req.destroy(new Error("response too large"));
        chunks.push(chunk);
      });
      res.on("error", reject);
      res.on("end", () => {
        if ((res.statusCode ?? 0) >= 300) return reject(new Error(`HTTP ${res.statusCode ?? 0}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json);
        } catch {
          reject(new Error("the response is not JSON"));
        }
      });
    });
    req.end(text);
  });
}
