/**
 * Which version a list or watch reads, from `resourceVersion`,
 * `resourceVersionMatch`, `continue` and `sendInitialEvents`, with
 * kube-apiserver's rules and errors for each combination.
 */
import { ApiError, badRequest, invalid } from "../errors.ts";
import { decodeToken, type ContinueToken } from "./pagination.ts";

export interface ListVersion {
  /** Undefined: the current state. */
  readonly at?: number;
  readonly token?: ContinueToken;
}

const tooLarge = (rv: number, current: number): ApiError =>
  new ApiError(504, "Timeout", `Too large resource version: ${rv}, current: ${current}`, {
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
  });

function parseRv(text: string): number {
  if (!/^\d+$/.test(text)) throw badRequest(`invalid resourceVersion "${text}"`);
  return Number(text);
}

export function listVersion(query: URLSearchParams, current: number): ListVersion {
  const cont = query.get("continue") ?? "";
  const rvText = query.get("resourceVersion") ?? "";
  const match = query.get("resourceVersionMatch") ?? "";
  if (cont !== "") {
    if (rvText !== "" && rvText !== "0") throw badRequest("specifying resource version is not allowed when using continue");
    const token = decodeToken(cont);
    return { at: token.rv, token };
  }
  if (match !== "" && match !== "Exact" && match !== "NotOlderThan") throw badRequest(`invalid resourceVersionMatch "${match}"`);
  if (match !== "" && rvText === "")
    throw invalid("ListOptions.meta.k8s.io", "", [
      { field: "resourceVersionMatch", message: "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided" },
    ]);
  if (rvText === "" || rvText === "0") return {};
  const rv = parseRv(rvText);
  if (rv > current) throw tooLarge(rv, current);
  return match === "Exact" ? { at: rv } : {};
}

/** The expiry answer kube-apiserver gives for a continue token older than the retained history. */
export function expiredToken(): ApiError {
  return new ApiError(
    410,
    "Expired",
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
  );
}

export interface InitialEvents {
  /** true: the current state as ADDED events, then a bookmark marking their end. */
  readonly sendInitialEvents?: boolean;
}

/** `sendInitialEvents` (streaming lists) is only valid with bookmarks and resourceVersionMatch=NotOlderThan. */
export function initialEvents(query: URLSearchParams): InitialEvents {
  const value = query.get("sendInitialEvents");
  if (value === null) return {};
  const causes: { field: string; message: string }[] = [];
  if (query.get("resourceVersionMatch") !== "NotOlderThan")
    causes.push({ field: "resourceVersionMatch", message: "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan" });
  if (value === "true" && query.get("allowWatchBookmarks") !== "true")
    causes.push({ field: "allowWatchBookmarks", message: "Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true" });
  if (causes.length > 0) throw invalid("ListOptions.meta.k8s.io", "", causes);
  return { sendInitialEvents: value === "true" };
}
