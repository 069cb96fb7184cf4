import type { Watch } from "@kubernetes/client-node";
import { fromPlain, isMap } from "../../value/value.ts";
import type { ClusterError, ClusterResult, WatchEvent, WatchEventType, WatchHandle } from "../cluster-api.ts";
import { clusterError, ok, reasonForStatus } from "../errors.ts";

/** The slice of client-node's Watch this adapter uses. */
export type WatchSlice = Pick<Watch, "watch">;

const EVENT_TYPES: ReadonlySet<string> = new Set<WatchEventType>(["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]);

function isEventType(phase: string): phase is WatchEventType {
  return EVENT_TYPES.has(phase);
}

/** An `ERROR` event carries a Status object; 410 means the resourceVersion is too old (Gone). */
function errorFromStatus(status: unknown): ClusterError {
  const value = fromPlain(status);
  const code = isMap(value) && typeof value.code === "bigint" ? Number(value.code) : 500;
  const message = isMap(value) && typeof value.message === "string" ? value.message : "watch error";
  return clusterError(reasonForStatus(code), message, code);
}

function errorFromFailure(failure: unknown): ClusterError {
  const statusCode = typeof failure === "object" && failure !== null && "statusCode" in failure ? Number(failure.statusCode) : undefined;
  const message = failure instanceof Error ? failure.message : String(failure);
  if (statusCode !== undefined && Number.isFinite(statusCode)) return clusterError(reasonForStatus(statusCode), message, statusCode);
  return clusterError("Unavailable", `watch failed: ${message}`);
}

function asResult(error: ClusterError | undefined): ClusterResult<void> {
  return error ? { ok: false, error } : ok(undefined);
}

/**
 * Starts a client-node watch and turns it into the port's handle. Resolves
 * once the server answered with headers (or failed); a server that does not
 * answer within `timeoutMs` is Unavailable.
 */
export async function startWatch(
  watcher: WatchSlice,
  path: string,
  query: Record<string, string | boolean | undefined>,
  onEvent: (event: WatchEvent) => void,
  timeoutMs: number,
): Promise<ClusterResult<WatchHandle>> {
  let stopped = false;
  let streamError: ClusterError | undefined;
  let ended: ClusterResult<void> | undefined;
  let finish: (result: ClusterResult<void>) => void = () => {};
  const done = new Promise<ClusterResult<void>>((resolve) => (finish = resolve));
  const end = (failure: unknown) => {
    ended = stopped ? ok(undefined) : asResult(streamError ?? (failure ? errorFromFailure(failure) : undefined));
    finish(ended);
  };
  let controller: AbortController | undefined;
  const callback = (phase: string, object: unknown) => {
    if (phase === "ERROR") {
      streamError = errorFromStatus(object);
      controller?.abort();
      return;
    }
    const value = fromPlain(object);
    if (isEventType(phase) && isMap(value)) onEvent({ type: phase, object: value });
  };

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const started = watcher.watch(path, query, callback, end).catch((error: unknown) => {
    end(error);
    return undefined;
  });
  const first = await Promise.race([started, timedOut]);
  clearTimeout(timer);
  if (first === "timeout") {
    // Whenever the late stream does open, close it: nobody is listening.
    void started.then((late) => late?.abort());
    return { ok: false, error: clusterError("Unavailable", `watch ${path}: no response within ${timeoutMs} ms`) };
  }
  controller = first;
  if (streamError) controller?.abort();
  if (ended && !ended.ok) return ended;
  return ok({
    stop: () => {
      stopped = true;
      controller?.abort();
      finish(ok(undefined));
    },
    done,
  });
}
