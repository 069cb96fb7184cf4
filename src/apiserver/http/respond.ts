/** Writing JSON replies and Status errors. */
import type { ServerResponse } from "node:http";
import { ApiError } from "../errors.ts";
import type { Json, JsonObject } from "../json.ts";

/**
 * Serialized stored objects. A stored object is never changed in place (see json.ts):
 * a write stores a new object. So its text is computed once and reused by every
 * get, list page and watch event that sends it, for as long as the object lives.
 */
const serialized = new WeakMap<JsonObject, string>();

/** The JSON text of a stored object (or one nobody changes any more), serialized on first use. */
export function objectJson(obj: JsonObject): string {
  let text = serialized.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    serialized.set(obj, text);
  }
  return text;
}

/** A list body, as JSON.stringify would write `{ apiVersion, kind, metadata, items }`, from the items' texts. */
export function listJson(apiVersion: string, kind: string, metadata: JsonObject, items: readonly string[]): string {
  return `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)},"metadata":${JSON.stringify(metadata)},"items":[${items.join(",")}]}`;
}

/** Sends already serialized JSON. */
export function sendText(res: ServerResponse, code: number, text: string, warnings: readonly string[] = [], contentType = "application/json"): void {
  const headers: Record<string, string | string[]> = { "content-type": contentType, "content-length": String(Buffer.byteLength(text)) };
  // Warning header format from RFC 7234: 299 = miscellaneous persistent warning.
  if (warnings.length > 0) headers["warning"] = warnings.map((w) => `299 - "${w.replace(/"/g, "'")}"`);
  res.writeHead(code, headers);
  res.end(text);
}

export function sendJson(res: ServerResponse, code: number, body: Json, warnings: readonly string[] = [], contentType = "application/json"): void {
  sendText(res, code, JSON.stringify(body), warnings, contentType);
}

export function sendError(res: ServerResponse, err: unknown): ApiError {
  const apiError = err instanceof ApiError ? err : new ApiError(500, "InternalError", `internal error: ${err instanceof Error ? err.message : String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return apiError;
  }
  sendJson(res, apiError.code, apiError.toStatus());
  return apiError;
}
