/** Writing JSON replies and Status errors. */
import type { ServerResponse } from "node:http";
import { ApiError } from "../errors.ts";
import type { Json } from "../json.ts";

export function sendJson(res: ServerResponse, code: number, body: Json, warnings: readonly string[] = [], contentType = "application/json"): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[]> = { "content-type": contentType, "content-length": String(Buffer.byteLength(text)) };
  // Warning header format from RFC 7234: 299 = miscellaneous persistent warning.
  if (warnings.length > 0) headers["warning"] = warnings.map((w) => `299 - "${w.replace(/"/g, "'")}"`);
  res.writeHead(code, headers);
  res.end(text);
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
