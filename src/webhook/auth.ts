/**
 * Webhook authentication: a bearer token, or an HMAC-SHA256 signature of the raw
 * body (`X-Koreo-Signature: sha256=<hex>`), both from one shared secret. Digests
 * are compared in constant time; comparing SHA-256 digests of both sides also
 * hides the secret's length.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-koreo-signature";

export interface Credentials {
  readonly authorization?: string | undefined;
  readonly signature?: string | undefined;
  readonly body: string;
}

export function authenticate(secret: string, credentials: Credentials): boolean {
  if (secret === "") return false; // an unset secret must never mean "open"
  const bearer = /^Bearer (.+)$/i.exec(credentials.authorization ?? "")?.[1];
  if (bearer !== undefined) return sameSecret(bearer, secret);
  const signature = /^sha256=([0-9a-f]{64})$/i.exec(credentials.signature ?? "")?.[1];
  if (signature !== undefined) return sameSecret(signature.toLowerCase(), sign(secret, credentials.body));
  return false;
}

export function sign(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
