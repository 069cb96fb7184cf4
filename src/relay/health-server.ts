/**
 * The relay's probe and metrics endpoints over node:http:
 * - GET /healthz: 200 while the process is alive and its event loop turns (a 1 s
 *   heartbeat timer ran within the last 10 s); a blocked loop cannot answer at all,
 *   which the kubelet's probe timeout catches;
 * - GET /readyz: 200 or 503 with the JSON report (health.ts decides);
 * - GET /metrics: Prometheus text.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Logger } from "../ports/index.ts";
import { metricsText, readinessOf, readinessReport, type RelaySnapshot } from "./health.ts";

export interface HealthServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly snapshot: () => RelaySnapshot;
  readonly logger: Logger;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

const HEARTBEAT_MS = 1_000;
const STALE_HEARTBEAT_MS = 10_000;

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  let lastBeat = Date.now();
  const heartbeat = setInterval(() => (lastBeat = Date.now()), HEARTBEAT_MS).unref();
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  const alive = () => Date.now() - lastBeat < STALE_HEARTBEAT_MS;
  const server = createServer((request, response) => respond(request, response, options, alive, () => delay.percentile(99) / 1e6));
  // Probes must never keep a stopping process alive.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info(`Health endpoints on port ${port}: /healthz, /readyz, /metrics.`, { healthPort: port });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        delay.disable();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function respond(request: IncomingMessage, response: ServerResponse, options: HealthServerOptions, alive: () => boolean, delayP99Ms: () => number): void {
  const path = (request.url ?? "/").split("?")[0];
  if (request.method !== "GET" && request.method !== "HEAD") return send(response, 405, "text/plain", "method not allowed\n");
  if (path === "/healthz" || path === "/livez") return send(response, alive() ? 200 : 503, "text/plain", alive() ? "ok\n" : "event loop stalled\n");
  if (path === "/readyz") {
    const snapshot = options.snapshot();
    return send(response, readinessOf(snapshot).ready ? 200 : 503, "application/json", `${JSON.stringify(readinessReport(snapshot))}\n`);
  }
  if (path === "/metrics") return send(response, 200, "text/plain; version=0.0.4", metricsText(options.snapshot(), delayP99Ms()));
  send(response, 404, "text/plain", "not found\n");
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  response.end(body);
}
