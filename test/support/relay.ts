/**
 * The relay as it runs in production, for the acceptance tests: the esbuild bundle
 * (scripts/build-relay.mjs) in a child `node` process, against the embedded API
 * server over HTTP and fauxqs. Its JSON log lines are collected; /readyz and
 * /metrics are read over HTTP. KOREO_TEST_RELAY_LOGS=1 echoes the relay's output;
 * KOREO_RELAY_TEST_NODE=/path/to/node runs the bundle on another Node (the image's 22).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SqsApi } from "../../src/queue/adapters/sqs-client.ts";
import { decodeRequest, type ReconcileRequest } from "../../src/queue/messages.ts";
import { waitFor } from "./e2e.ts";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const NS = "koreo-e2e";

let bundle: string | undefined;
/** Builds the relay bundle once per test file, as the image's build stage does. */
export function relayBundle(): string {
  if (bundle !== undefined) return bundle;
  const dir = mkdtempSync(join(tmpdir(), "koreo-relay-bundle-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, "relay.mjs");
  const built = spawnSync(process.execPath, [join(root, "scripts/build-relay.mjs"), "--outfile", outfile], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`building the relay bundle failed: ${built.stderr}`);
  bundle = outfile;
  return outfile;
}

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly [key: string]: unknown;
}

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  readonly healthPort: Promise<number>;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readyz(): Promise<{ status: number; body: ReadyzBody }>;
  metrics(): Promise<string>;
  /** The first log line whose message matches. */
  logged(level: string, pattern: RegExp): LogLine | undefined;
  kill(): void;
}

export interface ReadyzBody {
  readonly ready: boolean;
  readonly problems: readonly string[];
  readonly sender: { readonly buffered: number; readonly limit: number; readonly failing: boolean; readonly overflowed: number; readonly sent: number };
  readonly watches: readonly { readonly kind: string; readonly phase: string; readonly reason?: string }[];
}

export interface SpawnOptions {
  readonly kubeconfig: string;
  readonly queueUrl: string;
  readonly sqsEndpoint: string;
  readonly maxBuffered?: number;
  readonly env?: Record<string, string>;
}

export function spawnRelay(options: SpawnOptions): RelayProcess {
  const args = [relayBundle(), "relay", "--kubeconfig", options.kubeconfig, "--health-port", "0", "--max-buffered", String(options.maxBuffered ?? 10_000)];
  const env = {
    PATH: process.env.PATH ?? "",
    KOREO_WORK_QUEUE_URL: options.queueUrl,
    SQS_ENDPOINT: options.sqsEndpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    KOREO_NAMESPACE: NS,
    TEMPLATE_NAMESPACE: NS,
    RESOURCE_NAMESPACE: NS,
    LOG_LEVEL: "INFO",
    ...options.env,
  };
  // KOREO_RELAY_TEST_NODE runs the bundle on another Node (the image's 22), the tests themselves stay on this one.
  const child = spawn(process.env.KOREO_RELAY_TEST_NODE ?? process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const logs: LogLine[] = [];
  let port: (p: number) => void = () => {};
  const healthPort = new Promise<number>((resolve) => (port = resolve));
  // Powertools writes INFO to stdout, WARN and ERROR to stderr: one line reader per stream.
  const reader = () => {
    let pending = "";
    return (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (process.env.KOREO_TEST_RELAY_LOGS) process.stderr.write(`relay: ${line}\n`);
        const parsed = parseLine(line);
        if (parsed === undefined) continue;
        logs.push(parsed);
        if (typeof parsed.healthPort === "number") port(parsed.healthPort);
      }
    };
  };
  child.stdout?.on("data", reader());
  child.stderr?.on("data", reader());
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = async (path: string) => `http://127.0.0.1:${await healthPort}${path}`;
  return {
    child,
    logs,
    healthPort,
    exited,
    async readyz() {
      const response = await fetch(await url("/readyz"));
      return { status: response.status, body: (await response.json()) as ReadyzBody };
    },
    async metrics() {
      return (await fetch(await url("/metrics"))).text();
    },
    logged: (level, pattern) => logs.find((l) => l.level === level && pattern.test(l.message)),
    kill: () => void child.kill("SIGKILL"),
  };
}

function parseLine(line: string): LogLine | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== "object" || value === null || !("level" in value) || !("message" in value)) return undefined;
    const { level, message } = value;
    return typeof level === "string" && typeof message === "string" ? { ...value, level, message } : undefined;
  } catch {
    return undefined;
  }
}

/** Reads (and deletes) every message currently in the queue. */
export async function drainQueue(client: SqsApi, queueUrl: string): Promise<ReconcileRequest[]> {
  const out: ReconcileRequest[] = [];
  for (;;) {
    const received = await client.receiveMessage({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
    const messages = received.Messages ?? [];
    if (messages.length === 0) return out;
    for (const message of messages) {
      const decoded = decodeRequest(message.Body ?? "");
      if (decoded.ok) out.push(decoded.request);
      await client.deleteMessageBatch({ QueueUrl: queueUrl, Entries: [{ Id: "0", ReceiptHandle: message.ReceiptHandle ?? "" }] });
    }
  }
}

/** Collects queue messages until `done` says the set is complete (bounded wait). */
export async function collectUntil(
  client: SqsApi,
  queueUrl: string,
  what: string,
  done: (seen: readonly ReconcileRequest[]) => boolean,
  timeoutMs = 30_000,
): Promise<ReconcileRequest[]> {
  const seen: ReconcileRequest[] = [];
  await waitFor(
    what,
    async () => {
      seen.push(...(await drainQueue(client, queueUrl)));
      return done(seen) ? true : undefined;
    },
    timeoutMs,
  );
  return seen;
}

export const widget = (name: string, value = "a") => ({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name, namespace: NS }, spec: { value } });

/** Stops a relay that a failed test left running. */
export async function ensureStopped(relay: RelayProcess): Promise<void> {
  if (relay.child.exitCode !== null || relay.child.signalCode !== null) return;
  relay.kill();
  await relay.exited;
}

/** A kubeconfig for a plain-HTTP server URL (a proxy in front of the embedded API server). */
export function kubeconfigFor(server: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    `clusters: [{ name: local, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]`,
    "users: [{ name: local, user: {} }]",
    `contexts: [{ name: local, context: { cluster: local, user: local, namespace: ${NS} } }]`,
    "current-context: local",
    "",
  ].join("\n");
}

/**
 * What RBAC does to a ServiceAccount without a rule for a resource, in front of the
 * embedded API server (which has no RBAC): requests whose path `forbids` answer the
 * API server's 403 Status; everything else, watches included, is passed through.
 */
export async function startRbacProxy(target: string, forbids: (path: string) => boolean): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    if (forbids(path)) {
      const message = `${path} is forbidden: User "system:serviceaccount:koreo:koreo-relay" cannot list resource in API group`;
      response.writeHead(403, { "content-type": "application/json" });
      response.end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Forbidden", code: 403 }));
      return;
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: request.method, path, headers: request.headers }, (reply) => {
      response.writeHead(reply.statusCode ?? 502, reply.headers);
      // A watch answers headers long before its first event: pass them on at once, as the API server does.
      response.flushHeaders();
      reply.pipe(response);
    });
    forward.on("error", () => response.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
