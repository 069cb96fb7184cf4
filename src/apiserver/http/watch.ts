/**
 * Watch streams: newline-delimited JSON events over a chunked response. Headers
 * are flushed at once (client-node's watch() resolves only when they arrive);
 * a closed response, not request, means the client went away.
 */
import type { ServerResponse } from "node:http";
import { ApiError, badRequest, gone } from "../errors.ts";
import { meta, type JsonObject } from "../json.ts";
import { apiVersionOf, resourceKey, type ResourceType } from "../resource-type.ts";
import type { ObjectFilter } from "../selectors.ts";
import type { ObjectStore } from "../store.ts";
import { toTable, type TableRequest } from "../tables/table.ts";
import type { ChangeEvent, WatchHub } from "../watch-hub.ts";
import { objectJson } from "./respond.ts";

export interface WatchLimits {
  readonly maxWatches: number;
  readonly bookmarkIntervalMs: number;
  /** A watcher that stops reading is cut off past this many buffered bytes. */
  readonly maxBufferedBytes: number;
}

export interface WatchRequest {
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly filter?: ObjectFilter;
  readonly resourceVersion?: string;
  readonly bookmarks: boolean;
  readonly timeoutSeconds?: number;
  /**
   * `sendInitialEvents`: true replays the current state as ADDED and then a bookmark
   * annotated `k8s.io/initial-events-end` (streaming lists); false starts from now.
   */
  readonly sendInitialEvents?: boolean;
  /** Events carry a one-row Table instead of the object (`kubectl get -w`). */
  readonly table?: TableRequest;
}

type EventType = "ADDED" | "MODIFIED" | "DELETED";

/** An event's object as the watcher asked for it: in the watched version, or as a one-row Table. */
function eventBody(req: WatchRequest, obj: JsonObject): string {
  const apiVersion = apiVersionOf(req.type);
  const presented = obj["apiVersion"] === apiVersion ? obj : { ...obj, apiVersion };
  if (req.table !== undefined) return JSON.stringify(toTable(req.type, [presented], { resourceVersion: meta(obj)["resourceVersion"] ?? "" }, req.table));
  // Serialized once and shared by every watcher of the event (and by gets and lists of the object).
  return presented === obj ? objectJson(obj) : JSON.stringify(presented);
}

export class WatchStreamer {
  constructor(
    private readonly hub: WatchHub,
    private readonly store: ObjectStore,
    private readonly limits: WatchLimits,
  ) {}

  serve(res: ServerResponse, req: WatchRequest): void {
    if (this.hub.activeWatches >= this.limits.maxWatches) throw new ApiError(429, "TooManyRequests", `too many watches (limit ${this.limits.maxWatches})`);
    const replay = this.replay(req);
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache, private" });
    res.flushHeaders();
    if (replay instanceof ApiError) {
      res.end(`${JSON.stringify({ type: "ERROR", object: replay.toStatus() })}\n`);
      return;
    }
    // Events of one event-loop turn leave in one write: a socket write is a system call, and a burst
    // (a list replay, many objects changed by requests served in the same turn) would pay one each.
    let corked = false;
    const flush = () => {
      corked = false;
      res.uncork();
      if (res.writableLength > this.limits.maxBufferedBytes) res.destroy();
    };
    const send = (type: EventType | "BOOKMARK", obj: JsonObject): void => {
      const body = type === "BOOKMARK" ? objectJson(obj) : eventBody(req, obj);
      if (!corked) {
        corked = true;
        res.cork();
        setImmediate(flush);
      }
      res.write(`{"type":"${type}","object":${body}}\n`);
    };
    for (const [type, obj] of replay) send(type, obj);
    if (req.sendInitialEvents === true) send("BOOKMARK", this.bookmark(req, { "k8s.io/initial-events-end": "true" }));
    const unsubscribe = this.hub.subscribe(resourceKey(req.type), (event) => {
      const mapped = this.map(event, req);
      if (mapped !== undefined) send(mapped, event.object);
    });
    const timers: NodeJS.Timeout[] = [];
    if (req.bookmarks) {
      timers.push(setInterval(() => send("BOOKMARK", this.bookmark(req)), this.limits.bookmarkIntervalMs));
    }
    if (req.timeoutSeconds !== undefined) timers.push(setTimeout(() => res.end(), req.timeoutSeconds * 1000));
    res.on("close", () => {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
    });
  }

  /** A BOOKMARK event's object: only the kind and the current resourceVersion. */
  private bookmark(req: WatchRequest, annotations?: Record<string, string>): JsonObject {
    const metadata: JsonObject = { resourceVersion: String(this.store.resourceVersion) };
    if (annotations !== undefined) metadata["annotations"] = annotations;
    return { kind: req.type.kind, apiVersion: apiVersionOf(req.type), metadata };
  }

  /** Events to send before going live: history since rv, or the current state as ADDED. */
  private replay(req: WatchRequest): [EventType, JsonObject][] | ApiError {
    const rv = req.resourceVersion;
    const fromNow = rv === undefined || rv === "" || rv === "0";
    if (req.sendInitialEvents === false && fromNow) return [];
    if (req.sendInitialEvents === true || fromNow) {
      if (!fromNow && (!/^\d+$/.test(rv) || Number(rv) > this.store.resourceVersion)) throw badRequest(`invalid or too large resourceVersion "${rv}"`);
      const objects = this.store.list(resourceKey(req.type), req.namespace);
      return objects.filter((o) => req.filter === undefined || req.filter(o)).map((o) => ["ADDED", o]);
    }
    if (!/^\d+$/.test(rv)) throw badRequest(`invalid resourceVersion "${rv}"`);
    const events = this.hub.since(resourceKey(req.type), Number(rv));
    if (events === undefined) return gone(rv);
    return events.flatMap((e) => {
      const mapped = this.map(e, req);
      return mapped === undefined ? [] : [[mapped, e.object] as [EventType, JsonObject]];
    });
  }

  /** What a filtered watcher sees: an object entering the selection is ADDED, leaving it is DELETED. */
  private map(event: ChangeEvent, req: WatchRequest): EventType | undefined {
    if (req.namespace !== undefined && meta(event.object)["namespace"] !== req.namespace) return undefined;
    const now = req.filter === undefined || req.filter(event.object);
    if (event.type !== "MODIFIED" || event.previous === undefined) return now ? event.type : undefined;
    const before = req.filter === undefined || req.filter(event.previous);
    if (before && now) return "MODIFIED";
    if (now) return "ADDED";
    return before ? "DELETED" : undefined;
  }
}
