/**
 * The HTTP front: parses the path, serves discovery and OpenAPI, hands resource
 * paths to `ResourceHandler`, and turns every failure into a Status reply.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { Cluster } from "../cluster.ts";
import { coreVersions, group, groupList, resourceList, versionInfo } from "../discovery.ts";
import { AGGREGATED_MEDIA_TYPE, aggregatedDiscovery, wantsAggregated } from "../discovery-aggregated.ts";
import { pathNotFound, methodNotAllowed } from "../errors.ts";
import type { Json } from "../json.ts";
import { groupVersionDocument, rootDocument } from "../openapi.ts";
import type { Logger } from "../../ports/index.ts";
import { parsePath, type Route } from "./paths.ts";
import { ResourceHandler } from "./resources.ts";
import { ValidatingAdmission } from "../admission/index.ts";
import { sendError, sendJson } from "./respond.ts";
import { WatchStreamer, type WatchLimits } from "./watch.ts";

export interface HttpLimits extends WatchLimits {
  readonly maxBodyBytes: number;
  readonly maxListItems: number;
}

/** The serving certificate and key (PEM) for HTTPS; without them the server speaks plain HTTP. */
export interface ServingTls {
  readonly cert: string;
  readonly key: string;
}

/**
 * Request targets the WHATWG parser would return unchanged: an absolute path of plain
 * characters (no dot segments, no `%2e`, nothing it would escape or strip) and a query of
 * the same (not starting with a second `?`, which URLSearchParams would drop). Kubernetes
 * clients send these; anything else goes through `new URL`.
 */
const PLAIN_TARGET = /^\/(?!\/)[\w\-.~%!$&'()*+,;=:@/]*(?:\?(?!\?)[\w\-.~%!$&'()*+,;=:@/?]*)?$/;
const DOT_SEGMENT = /\/\.|%2e/i;

/** The path and query parameters of a request target, as `new URL(target, base)` gives them. */
export function requestTarget(target: string): { pathname: string; query: URLSearchParams } {
  const q = target.indexOf("?");
  const pathname = q < 0 ? target : target.slice(0, q);
  if (PLAIN_TARGET.test(target) && !DOT_SEGMENT.test(pathname)) return { pathname, query: new URLSearchParams(q < 0 ? "" : target.slice(q + 1)) };
  const url = new URL(target, "http://localhost");
  return { pathname: url.pathname, query: url.searchParams };
}

export function createApiHttpServer(cluster: Cluster, limits: HttpLimits, logger: Logger, address: () => string, tls?: ServingTls): Server | HttpsServer {
  const watches = new WatchStreamer(cluster.hub, cluster.store, limits);
  const admission = new ValidatingAdmission(cluster.store, logger);
  const resources = new ResourceHandler({ ...cluster, watches, admission, maxBodyBytes: limits.maxBodyBytes, maxListItems: limits.maxListItems });

  const discovery = (route: Route): Json | undefined => {
    switch (route.kind) {
      case "version":
        return versionInfo();
      case "core-versions":
        return coreVersions(address());
      case "groups":
        return groupList(cluster.registry);
      case "group":
        return group(cluster.registry, route.group);
      case "resource-list":
        return resourceList(cluster.registry, route.group, route.version);
      case "openapi-root":
        return rootDocument(cluster.registry);
      case "openapi-doc":
        return groupVersionDocument(cluster.registry, route.group, route.version);
      default:
        return undefined;
    }
  };

  /** Serves a request: at once (throwing its failure), or with a promise when it waits (bodies, webhooks). */
  const handle = (req: IncomingMessage, res: ServerResponse): void | Promise<void> => {
    const { pathname, query } = requestTarget(req.url ?? "/");
    const route = parsePath(pathname);
    if (route.kind === "resource") return resources.handle(req, res, route, query);
    if (route.kind === "health") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (route.kind === "unknown") throw pathNotFound();
    if (req.method !== "GET" && req.method !== "HEAD") throw methodNotAllowed(req.method ?? "");
    // The response's media type tells the client which form it got; anything else falls back to legacy documents.
    if ((route.kind === "core-versions" || route.kind === "groups") && wantsAggregated(req.headers["accept"])) {
      return sendJson(res, 200, aggregatedDiscovery(cluster.registry, route.kind === "core-versions"), [], AGGREGATED_MEDIA_TYPE);
    }
    const doc = discovery(route);
    if (doc === undefined) throw pathNotFound();
    sendJson(res, 200, doc);
  };

  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown): void => {
    const e = sendError(res, err);
    if (e.code >= 500) logger.error("apiserver request failed", { method: req.method, url: req.url, error: String(err instanceof Error ? err.stack : err) });
    // A body we refused may still be arriving; drain it so the connection stays usable.
    if (!req.complete) req.resume();
  };

  const listener: RequestListener = (req, res) => {
    try {
      // Reads answer synchronously; only writes (and other waits) return a promise.
      const pending = handle(req, res);
      if (pending !== undefined) pending.catch((err: unknown) => fail(req, res, err));
    } catch (err) {
      fail(req, res, err);
    }
  };
  if (tls === undefined) return createServer({ keepAliveTimeout: 30_000 }, listener);
  // HTTP/1.1 only (no ALPN h2): kubectl and client-node fall back to it, and watches stream the same way as over plain HTTP.
  return createHttpsServer({ keepAliveTimeout: 30_000, cert: tls.cert, key: tls.key, minVersion: "TLSv1.2" }, listener);
}
