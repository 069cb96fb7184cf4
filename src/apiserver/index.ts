/**
 * The embedded Kubernetes API server (npm start, koreo cluster): REST, watches, discovery, OpenAPI, tables, TLS.
 * May import: ports, value.
 */
/**
 * Embedded Kubernetes API server: an in-process HTTP(S) server speaking enough of
 * the Kubernetes REST protocol for Koreo, @kubernetes/client-node and kubectl.
 * @module
 */
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { silentLogger, type Logger } from "../ports/index.ts";
import { Cluster } from "./cluster.ts";
import { createApiHttpServer } from "./http/server.ts";
import { kubeconfigYaml, writeKubeconfigFile } from "./kubeconfig.ts";
import { loadSnapshot, SnapshotWriter } from "./persistence.ts";
import { isWildcardHost, servingCertificates, servingNamesFor } from "./tls/serving-certificates.ts";

export interface ApiServerOptions {
  /** 0 (the default) picks a random free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** When set, objects (CRDs included) are snapshotted here and reloaded on start, and TLS certificates kept in `tls/`. */
  dataDir?: string;
  /**
   * Serve HTTPS with a self-signed CA and a serving certificate for 127.0.0.1, ::1,
   * localhost (and `host`); the kubeconfig then trusts that CA. Kept in `dataDir/tls`
   * and reused on restart, or issued per start without a dataDir. Default false:
   * plain HTTP (tests, and callers that build their client from `url` alone).
   */
  tls?: boolean;
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
  /** A watcher that stops reading is cut off once this much is waiting to be sent to it; default 64 MiB. */
  maxWatchBufferBytes?: number;
}

export interface RunningApiServer {
  /** `https://…` with `tls`, else `http://…`; a wildcard bind address (0.0.0.0, ::) appears as 127.0.0.1. */
  readonly url: string;
  /** Base64 of the CA certificate (PEM) clients must trust over HTTPS, as kubeconfig `certificate-authority-data` and KUBE_CA_DATA carry it; undefined over HTTP. */
  readonly caData: string | undefined;
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
  const tls = options.tls
    ? await servingCertificates({ ...(options.dataDir === undefined ? {} : { dir: join(options.dataDir, "tls") }), names: servingNamesFor(host), logger })
    : undefined;
  let url = "";
  const server = createApiHttpServer(
    cluster,
    {
      maxBodyBytes: options.maxBodyBytes ?? 3 * 1024 * 1024,
      maxListItems: 100_000,
      maxWatches: options.maxWatches ?? 1000,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000,
      maxBufferedBytes: options.maxWatchBufferBytes ?? 64 * 1024 * 1024,
    },
    logger,
    () => url.replace(/^https?:\/\//, ""),
    tls?.serving,
  );
  const writer = options.dataDir === undefined ? undefined : new SnapshotWriter(options.dataDir, () => cluster.snapshot(), logger);
  if (writer !== undefined) cluster.hub.onPublish = () => writer.schedule();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const address = isWildcardHost(host) ? "127.0.0.1" : host;
  url = `${tls === undefined ? "http" : "https"}://${address.includes(":") ? `[${address}]` : address}:${port}`;
  const caData = tls === undefined ? undefined : Buffer.from(tls.ca).toString("base64");
  logger.info("apiserver listening", { url, ...(tls === undefined ? {} : { certificates: tls.issued === "none" ? "reused" : `issued ${tls.issued}` }) });

  return {
    url,
    port,
    caData,
    kubeconfig: (namespace) => kubeconfigYaml(url, namespace, caData),
    writeKubeconfig: (path, namespace) => writeKubeconfigFile(path, url, namespace, caData),
    close: () =>
      new Promise<void>((resolve) => {
        writer?.flush();
        server.close(() => resolve());
        // Watches and idle keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
