import type { IncomingMessage } from "node:http";
import { isMap, parseJsonValue, type Value } from "../../value/index.ts";
import type { ClusterError, ClusterResult, WatchEvent, WatchEventType, WatchHandle } from "../cluster-api.ts";
import { clusterError, ok, reasonForStatus } from "../errors.ts";
import type { RestTransport } from "./client-node-transport.ts";

const EVENT_TYPES: ReadonlySet<string> = new Set<WatchEventType>(["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]);

function isEventType(phase: string): phase is WatchEventType {
  return EVENT_TYPES.has(phase);
}

/** An `ERROR` event carries a Status object; 410 means the resourceVersion is too old (Gone). */
function errorFromStatus(status: Value | undefined): ClusterError {
  const code = isMap(status) && typeof status.code === "bigint" ? Number(status.code) : 500;
  const message = isMap(status) && typeof status.message === "string" ? status.message : "watch error";
  return clusterError(reasonForStatus(code), message, code);
}

/** One line of the stream: an event, an ERROR's Status, or nothing (blank or unparseable lines are skipped, as client-node does). */
type Line = { readonly event: WatchEvent } | { readonly error: ClusterError } | undefined;

function parseLine(line: string): Line {
  if (line.trim() === "") return undefined;
  let value: Value;
  try {
    value = parseJsonValue(line);
  } catch {
    return undefined;
  }
  if (!isMap(value) || typeof value.type !== "string") return undefined;
  if (value.type === "ERROR") return { error: errorFromStatus(value.object) };
  const object = value.object;
  return isEventType(value.type) && isMap(object) ? { event: { type: value.type, object } } : undefined;
}

/** Calls `onLine` with each complete newline-terminated line of the body (a JSON event may span chunks). */
function readLines(response: IncomingMessage, onLine: (line: string) => void): void {
  let pending = "";
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  response.on("end", () => {
    if (pending !== "") onLine(pending);
    pending = "";
  });
}

/**
 * A Kubernetes watch over the adapter's REST transport (same agent, auth and
 * bearer token as every other request): resolves once the server answered
 * with headers (or failed, or timed out: Unavailable). `done` settles when the
 * stream ends: ok when stopped or closed by the server, the Status of an
 * `ERROR` event (410 → Gone), or Unavailable when the connection broke.
 */
export async function startWatch(
  transport: RestTransport,
  path: string,
  query: Readonly<Record<string, string | undefined>>,
  onEvent: (event: WatchEvent) => void,
): Promise<ClusterResult<WatchHandle>> {
  const opened = await transport.open(path, { ...query, watch: "true" });
  if (!opened.ok) return opened;
  const { response, close } = opened.value;
  let settled = false;
  let finish: (result: ClusterResult<void>) => void = () => {};
  const done = new Promise<ClusterResult<void>>((resolve) => (finish = resolve));
  const end = (result: ClusterResult<void>) => {
    if (settled) return;
    settled = true;
    close();
    finish(result);
  };

  readLines(response, (line) => {
    if (settled) return;
    const parsed = parseLine(line);
    if (parsed === undefined) return;
    if ("error" in parsed) return end({ ok: false, error: parsed.error });
    onEvent(parsed.event);
  });
  response.on("end", () => end(ok(undefined)));
  response.on("error", (error) => end({ ok: false, error: clusterError("Unavailable", `watch failed: ${error.message}`) }));
  // A socket torn down without `end` (peer reset) closes the response too.
  response.on("close", () => end(response.complete ? ok(undefined) : { ok: false, error: clusterError("Unavailable", "watch failed: connection closed") }));

  return ok({ stop: () => end(ok(undefined)), done });
}
