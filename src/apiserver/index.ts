/**
 * Embedded Kubernetes API server: an in-process HTTP server speaking enough of
 * the Kubernetes REST protocol for Koreo, @kubernetes/client-node and kubectl.
 * @module
 */
import type { AddressInfo } from "node:net";
import { silentLogger, type Logger } from "../ports/logger.ts";
import { Cluster } from "./cluster.ts";
import { createApiHttpServer } from "./http/server.ts";
import { kubeconfigYaml, writeKubeconfigFile } from "./kubeconfig.ts";
import { loadSnapshot, SnapshotWriter } from "./persistence.ts";

export interface ApiServerOptions {
  /** 0 (the default) picks a random free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** When set, objects (CRDs included) are snapshotted here and reloaded on start. */
  dataDir?: string;
  /** Request body limit; default 3 MiB, larger bodies get 413. */
  maxBodyBytes?: number;
  logger?: Logger;
  /** Stored object size limit; default 1.5 MiB (etcd's default request limit). */
  maxObjectBytes?: number;
  /** Events kept for watch resumption; older resourceVersions get 410 Gone. Default 10 000. */
  eventHistory?: number;
  /** Concurrent watch limit; default 1000, further watches get 429. */
  maxWatches?: number;
  /** How often watches that allow bookmarks get a BOOKMARK event; default 10 s. */
  bookmarkIntervalMs?: number;
}

export interface RunningApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** Kubeconfig YAML usable by kubectl and client-node. */
  kubeconfig(namespace?: string): string;
  writeKubeconfig(path: string, namespace?: string): void;
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<RunningApiServer> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? "127.0.0.1";
  const snapshot = options.dataDir === undefined ? undefined : loadSnapshot(options.dataDir);
  const cluster = new Cluster({ maxObjectBytes: options.maxObjectBytes ?? 1_572_864, eventHistory: options.eventHistory ?? 10_000 }, snapshot);
  let url = "";
  const server = createApiHttpServer(
    cluster,
    {
      maxBodyBytes: options.maxBodyBytes ?? 3 * 1024 * 1024,
      maxListItems: 100_000,
      maxWatches: options.maxWatches ?? 1000,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
      maxBufferedBytes: 64 * 1024 * 1024,
    },
    logger,
    () => url.replace(/^http:\/\//, ""),
  );
  const writer = options.dataDir === undefined ? undefined : new SnapshotWriter(options.dataDir, () => cluster.snapshot(), logger);
  if (writer !== undefined) cluster.hub.onPublish = () => writer.schedule();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info("apiserver listening", { url });

  return {
    url,
    port,
    kubeconfig: (namespace) => kubeconfigYaml(url, namespace),
    writeKubeconfig: (path, namespace) => writeKubeconfigFile(path, url, namespace),
    close: () =>
      new Promise<void>((resolve) => {
        writer?.flush();
        server.close(() => resolve());
        // Watches and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
