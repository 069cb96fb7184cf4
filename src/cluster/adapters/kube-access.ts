/**
 * Kubeconfig handling without @kubernetes/client-node. client-node's KubeConfig
 * drags its whole generated API (models, serializers, node-fetch, ws, socks…:
 * ~900 KiB minified) into any bundle that imports it, which is most of the
 * reconcile Lambda's bundle and a third of its cold import. The adapter needs
 * only a server address, TLS material and an Authorization header; this module
 * provides them for explicit settings (Lambda → EKS, the local stack) and for
 * kubeconfig files: tokens, token files, client certificates, basic auth and
 * exec credential plugins (`aws eks get-token`, …), plus the in-cluster
 * service account. Legacy `auth-provider` entries (oidc, gcp, azure) are an
 * error here; client-node's KubeConfig still handles them (it fits the same slice).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import type * as http from "node:http";
import type * as https from "node:https";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import type { KubeConfigSlice } from "./client-node-transport.ts";

export interface KubeEndpoint {
  readonly server: string;
  /** Base64 PEM of the CA (kubeconfig `certificate-authority-data`). */
  readonly caData?: string;
  readonly skipTLSVerify?: boolean;
  readonly tlsServerName?: string;
}

/** How each request authenticates; `authorize` may run a plugin, so it is async. */
export interface KubeCredentials {
  authorize(options: https.RequestOptions): Promise<void>;
}

const NO_CREDENTIALS: KubeCredentials = { authorize: async () => {} };

/** The slice the adapter takes, from an endpoint and credentials. */
export function kubeAccess(endpoint: KubeEndpoint, credentials: KubeCredentials = NO_CREDENTIALS): KubeConfigSlice {
  const cluster = { name: "cluster", server: endpoint.server, skipTLSVerify: endpoint.skipTLSVerify ?? false, tlsServerName: endpoint.tlsServerName };
  const ca = endpoint.caData === undefined ? undefined : Buffer.from(endpoint.caData, "base64");
  return {
    getCurrentCluster: () => cluster,
    async applyToHTTPSOptions(options: https.RequestOptions) {
      if (ca !== undefined) options.ca = ca;
      if (cluster.skipTLSVerify) options.rejectUnauthorized = false;
      await credentials.authorize(options);
    },
  };
}

/** A server given explicitly (Lambda → EKS with KUBE_SERVER/KUBE_CA_DATA, the local stack); plain http needs no TLS settings. */
export function explicitKubeAccess(server: string, token?: string, caData?: string): KubeConfigSlice {
  const credentials = token === undefined ? NO_CREDENTIALS : bearer(async () => token);
  return kubeAccess({ server, ...(caData === undefined ? {} : { caData }) }, credentials);
}

function bearer(token: () => Promise<string>): KubeCredentials {
  return {
    async authorize(options) {
      options.headers = { ...headerObject(options.headers), Authorization: `Bearer ${await token()}` };
    },
  };
}

/** The headers an earlier step set (client-node's shape: a plain map; a raw header list is never used here). */
function headerObject(headers: https.RequestOptions["headers"]): http.OutgoingHttpHeaders {
  if (headers === undefined || isRawHeaderList(headers)) return {};
  return { ...headers };
}

function isRawHeaderList(headers: NonNullable<https.RequestOptions["headers"]>): headers is readonly string[] {
  return Array.isArray(headers);
}

// ---------------------------------------------------------------- kubeconfig files

type Entry = Record<string, unknown>;

interface KubeconfigFile {
  readonly dir: string;
  readonly doc: Entry;
}

function isEntry(value: unknown): value is Entry {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(entry: Entry | undefined, key: string): string | undefined {
  const value = entry?.[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The first `name` entry across files, as kubectl merges KUBECONFIG (the first file to define a name wins). */
function named(files: readonly KubeconfigFile[], list: string, field: string, name: string): { entry: Entry; dir: string } | undefined {
  for (const file of files) {
    const items = Array.isArray(file.doc[list]) ? file.doc[list] : [];
    const item = items.find((i): i is Entry => isEntry(i) && i.name === name);
    if (item && isEntry(item[field])) return { entry: item[field], dir: file.dir };
  }
  return undefined;
}

function readKubeconfigFile(path: string): KubeconfigFile {
  const doc: unknown = parse(readFileSync(path, "utf8"));
  return { dir: dirname(path), doc: isEntry(doc) ? doc : {} };
}

/** A path in a kubeconfig is relative to that file. */
function fileData(dir: string, path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  return readFileSync(isAbsolute(path) ? path : join(dir, path));
}

function base64Data(data: string | undefined, dir: string, path: string | undefined): string | undefined {
  return data ?? fileData(dir, path)?.toString("base64");
}

/** Loads kubeconfig files as kubectl merges them; throws (startup error) on unreadable files, a missing context or an unsupported user. */
export function kubeAccessFromFiles(paths: readonly string[], context?: string): KubeConfigSlice {
  const files = paths.map(readKubeconfigFile);
  const contextName = context ?? files.map((f) => str(f.doc, "current-context")).find((c) => c !== undefined);
  if (contextName === undefined) throw new Error(`no current-context in ${paths.join(", ")}`);
  const ctx = named(files, "contexts", "context", contextName);
  if (ctx === undefined) throw new Error(`context "${contextName}" not found in ${paths.join(", ")}`);
  const clusterName = str(ctx.entry, "cluster") ?? "";
  const cluster = named(files, "clusters", "cluster", clusterName);
  const server = str(cluster?.entry, "server");
  if (cluster === undefined || server === undefined) throw new Error(`cluster "${clusterName}" of context "${contextName}" has no server`);
  const user = named(files, "users", "user", str(ctx.entry, "user") ?? "");
  return kubeAccess(endpointOf(server, cluster.entry, cluster.dir), user === undefined ? NO_CREDENTIALS : credentialsOf(user.entry, user.dir));
}

function endpointOf(server: string, cluster: Entry, dir: string): KubeEndpoint {
  const caData = base64Data(str(cluster, "certificate-authority-data"), dir, str(cluster, "certificate-authority"));
  const tlsServerName = str(cluster, "tls-server-name");
  return {
    server,
    skipTLSVerify: cluster["insecure-skip-tls-verify"] === true,
    ...(caData === undefined ? {} : { caData }),
    ...(tlsServerName === undefined ? {} : { tlsServerName }),
  };
}

function credentialsOf(user: Entry, dir: string): KubeCredentials {
  if (user["auth-provider"] !== undefined) throw new Error("kubeconfig auth-provider users (oidc, gcp, azure) are not supported; use an exec plugin");
  if (isEntry(user.exec)) return execCredentials(user.exec, dir);
  const token = str(user, "token");
  if (token !== undefined) return bearer(async () => token);
  const tokenFile = str(user, "tokenFile");
  if (tokenFile !== undefined) return bearer(rereadToken(isAbsolute(tokenFile) ? tokenFile : join(dir, tokenFile)));
  const certificates = clientCertificate(user, dir);
  if (certificates !== undefined) return certificates;
  const username = str(user, "username");
  if (username !== undefined) return { authorize: async (options) => void (options.auth = `${username}:${str(user, "password") ?? ""}`) };
  return NO_CREDENTIALS;
}

function clientCertificate(user: Entry, dir: string): KubeCredentials | undefined {
  const cert = base64Data(str(user, "client-certificate-data"), dir, str(user, "client-certificate"));
  const key = base64Data(str(user, "client-key-data"), dir, str(user, "client-key"));
  if (cert === undefined || key === undefined) return undefined;
  const pem = { cert: Buffer.from(cert, "base64"), key: Buffer.from(key, "base64") };
  return { authorize: async (options) => void Object.assign(options, pem) };
}

/** Projected service-account tokens rotate: re-read the file at most once a minute. */
function rereadToken(path: string, refreshMs = 60_000): () => Promise<string> {
  let token = readFileSync(path, "utf8").trim();
  let readAt = Date.now();
  return async () => {
    if (Date.now() - readAt < refreshMs) return token;
    token = readFileSync(path, "utf8").trim();
    readAt = Date.now();
    return token;
  };
}

// ---------------------------------------------------------------- exec credential plugins

interface ExecStatus {
  readonly token?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  readonly expiresAt: number;
}

function runPlugin(exec: Entry, dir: string): Promise<ExecStatus> {
  const command = str(exec, "command") ?? "";
  const args = Array.isArray(exec.args) ? exec.args.filter((a): a is string => typeof a === "string") : [];
  const extra = Array.isArray(exec.env) ? exec.env.filter(isEntry) : [];
  // Like kubectl: plugins of the v1 API may require KUBERNETES_EXEC_INFO; we never prompt.
  const apiVersion = str(exec, "apiVersion") ?? "client.authentication.k8s.io/v1";
  const info = JSON.stringify({ apiVersion, kind: "ExecCredential", spec: { interactive: false } });
  const env = { ...process.env, KUBERNETES_EXEC_INFO: info, ...Object.fromEntries(extra.map((e) => [String(e.name), String(e.value)])) };
  // A relative command with a slash is relative to the kubeconfig, like kubectl.
  const file = command.includes("/") && !isAbsolute(command) ? join(dir, command) : command;
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, encoding: "utf8", maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`exec plugin ${command} failed: ${stderr.trim() || error.message}`));
      try {
        resolve(statusOf(JSON.parse(stdout)));
      } catch (parseError) {
        reject(new Error(`exec plugin ${command}: ${parseError instanceof Error ? parseError.message : String(parseError)}`));
      }
    });
  });
}

function statusOf(credential: unknown): ExecStatus {
  const status = isEntry(credential) && isEntry(credential.status) ? credential.status : undefined;
  if (status === undefined) throw new Error("no status in the ExecCredential");
  const expiry = str(status, "expirationTimestamp");
  const token = str(status, "token");
  const cert = str(status, "clientCertificateData");
  const key = str(status, "clientKeyData");
  return {
    // No expiry: valid for this process's life, as client-go treats it.
    expiresAt: expiry === undefined ? Infinity : Date.parse(expiry),
    ...(token === undefined ? {} : { token }),
    ...(cert === undefined ? {} : { clientCertificateData: cert }),
    ...(key === undefined ? {} : { clientKeyData: key }),
  };
}

/** Runs the plugin on first use and again once its credential expired; concurrent requests share one run. */
function execCredentials(exec: Entry, dir: string): KubeCredentials {
  let current: Promise<ExecStatus> | undefined;
  const fresh = async (): Promise<ExecStatus> => {
    const cached = current === undefined ? undefined : await current.catch(() => undefined);
    if (cached !== undefined && cached.expiresAt > Date.now()) return cached;
    current = runPlugin(exec, dir);
    return current;
  };
  return {
    async authorize(options) {
      const status = await fresh();
      if (status.clientCertificateData !== undefined) options.cert = status.clientCertificateData;
      if (status.clientKeyData !== undefined) options.key = status.clientKeyData;
      if (status.token !== undefined) options.headers = { ...headerObject(options.headers), Authorization: `Bearer ${status.token}` };
    },
  };
}

// ---------------------------------------------------------------- defaults

const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Inside a pod: the service account's rotating token and CA (the relay's default). */
export function inClusterKubeAccess(env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT): KubeConfigSlice | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (host === undefined || port === undefined || !existsSync(join(dir, "token"))) return undefined;
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const caData = readFileSync(join(dir, "ca.crt")).toString("base64");
  return kubeAccess({ server, caData }, bearer(rereadToken(join(dir, "token"))));
}

/** client-node's `loadFromDefault` order: KUBECONFIG (merged), ~/.kube/config, the in-cluster service account. */
export function defaultKubeAccess(context?: string, env: NodeJS.ProcessEnv = process.env): KubeConfigSlice {
  const listed = (env.KUBECONFIG ?? "").split(delimiter).filter((p) => p !== "" && existsSync(p));
  if (listed.length > 0) return kubeAccessFromFiles(listed, context);
  const home = join(homedir(), ".kube", "config");
  if (existsSync(home)) return kubeAccessFromFiles([home], context);
  const inCluster = inClusterKubeAccess(env);
  if (inCluster !== undefined) return inCluster;
  throw new Error("no kubeconfig: set KUBECONFIG, create ~/.kube/config, or run in a pod");
}
