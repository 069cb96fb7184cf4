/**
 * SigV4 as AWS computes it, written from the AWS documentation with node:crypto only, so tests
 * check our signer (aws4) against an independent computation rather than against itself.
 */
import { createHash, createHmac } from "node:crypto";
import type { RecordedRequest } from "./stub-server.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest();

interface Canonical {
  readonly method: string;
  readonly path: string;
  /** Already canonical: sorted, RFC 3986-encoded `k=v` pairs joined by `&`. */
  readonly query: string;
  readonly header: (name: string) => string;
  readonly signedHeaders: string;
  readonly amzDate: string;
  readonly payloadHash: string;
}

function signature(c: Canonical, secret: string, region: string, service: string): string {
  const day = c.amzDate.slice(0, 8);
  const canonicalHeaders = c.signedHeaders
    .split(";")
    .map((name) => `${name}:${c.header(name).trim()}\n`)
    .join("");
  const canonical = [c.method, c.path, c.query, canonicalHeaders, c.signedHeaders, c.payloadHash].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", c.amzDate, `${day}/${region}/${service}/aws4_request`, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), "aws4_request");
  return createHmac("sha256", key).update(toSign).digest("hex");
}

/** The signature AWS expects in the Authorization header of `request` as a server received it (no query string). */
export function expectedHeaderSignature(request: RecordedRequest, secret: string, region: string, service: string): string {
  return signature(
    {
      method: request.method,
      path: request.url,
      query: "",
      header: (name) => String(request.headers[name]),
      signedHeaders: /SignedHeaders=([^,]+)/.exec(String(request.headers.authorization))?.[1] ?? "",
      amzDate: String(request.headers["x-amz-date"]),
      payloadHash: sha256(request.body),
    },
    secret,
    region,
    service,
  );
}

/** The signature AWS expects in a presigned GET URL whose signed headers other than host are `headers`. */
export function expectedQuerySignature(url: URL, headers: Readonly<Record<string, string>>, secret: string, region: string, service: string): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...url.searchParams]
    .filter(([key]) => key !== "X-Amz-Signature")
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .sort()
    .join("&");
  const all: Record<string, string> = { host: url.host, ...headers };
  return signature(
    {
      method: "GET",
      path: url.pathname,
      query,
      header: (name) => all[name] ?? "",
      signedHeaders: url.searchParams.get("X-Amz-SignedHeaders") ?? "",
      amzDate: url.searchParams.get("X-Amz-Date") ?? "",
      payloadHash: sha256(""),
    },
    secret,
    region,
    service,
  );
}
