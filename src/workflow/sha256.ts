import { createHash } from "node:crypto";

/** Hex SHA-256 of UTF-8 text: the digest behind Workflow versions and trigger hashes. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
