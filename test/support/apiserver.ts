/** Shared fixtures: a server per test, JSON requests, and kubectl as an independent client. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet, request as httpsRequest } from "node:https";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApiServer, type ApiServerOptions, type RunningApiServer } from "../../src/apiserver/index.ts";

export interface Reply {
  status: number;
  /** JSON as parsed: tests probe arbitrary response shapes. */
  body: ReturnType<typeof JSON.parse>;
}

export interface Harness {
  server: RunningApiServer;
  dir: string;
  req(method: string, path: string, body?: unknown, contentType?: string): Promise<Reply>;
  close(): Promise<void>;
}

/** The PEM a client must trust for `server`, when it serves HTTPS. */
export function caOf(server: RunningApiServer): string | undefined {
  return server.caData === undefined ? undefined : Buffer.from(server.caData, "base64").toString("utf8");
}

/** One request over node:https trusting only `ca` (global fetch cannot be given a CA without undici). */
function httpsText(
  url: string,
  ca: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A server per test: plain HTTP by default (fast), HTTPS with `{ tls: true }`; `req` trusts the server's CA. */
export async function harness(options: ApiServerOptions = {}): Promise<Harness> {
  const server = await startApiServer(options);
  const dir = mkdtempSync(join(tmpdir(), "koreo-apiserver-test-"));
  const ca = caOf(server);
  return {
    server,
    dir,
    async req(method, path, body, contentType = "application/json") {
      const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const headers = { "content-type": contentType };
      let reply: { status: number; text: string };
      if (ca === undefined) {
        const res = await fetch(`${server.url}${path}`, { method, headers, ...(text === undefined ? {} : { body: text }) });
        reply = { status: res.status, text: await res.text() };
      } else reply = await httpsText(`${server.url}${path}`, ca, method, headers, text);
      return { status: reply.status, body: reply.text === "" ? undefined : JSON.parse(reply.text) };
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function kubectlPath(): string {
  const found = spawnSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === "") throw new Error("kubectl not found on PATH: install kubectl (CI installs it) to run the apiserver kubectl tests");
  return path;
}

export interface Kubectl {
  run(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  spawn(args: string[]): ChildProcess;
  file(name: string, text: string): string;
}

/**
 * kubectl before 1.27 validates `apply` only against OpenAPI v2 protobuf, which the embedded
 * server does not serve (it serves v3 JSON); such a kubectl (Debian's kubernetes-client is 1.20)
 * gets `--validate=false` on apply, everything else is asked exactly as with a current one.
 */
function needsValidateFalse(bin: string): boolean {
  const out = spawnSync(bin, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  const minor = /"minor":\s*"(\d+)/.exec(out.stdout)?.[1];
  return minor !== undefined && Number(minor) < 27;
}

/** kubectl with its own kubeconfig and a fresh discovery cache. */
export function kubectl(h: Harness): Kubectl {
  const bin = kubectlPath();
  const kubeconfig = join(h.dir, "kubeconfig");
  h.server.writeKubeconfig(kubeconfig, "default");
  const base = ["--kubeconfig", kubeconfig, "--cache-dir", join(h.dir, "cache")];
  const legacyApply = needsValidateFalse(bin);
  const withCompat = (args: string[]) => (legacyApply && args[0] === "apply" ? [...args, "--validate=false"] : args);
  return {
    run(args, stdin) {
      return new Promise((resolve, reject) => {
        const child = spawn(bin, [...base, ...withCompat(args)], { stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("error", reject);
        child.on("close", (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? -1, stdout, stderr });
        });
        child.stdin.end(stdin ?? "");
      });
    },
    spawn(args) {
      return collect(spawn(bin, [...base, ...args], { stdio: ["ignore", "pipe", "pipe"] }));
    },
    file(name, text) {
      const path = join(h.dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** Everything a spawned kubectl printed so far, collected from the moment it started. */
const outputs = new WeakMap<ChildProcess, { text: string; changed: Set<() => void> }>();

function collect(child: ChildProcess): ChildProcess {
  const state = { text: "", changed: new Set<() => void>() };
  outputs.set(child, state);
  child.stdout?.on("data", (d: Buffer) => {
    state.text += d.toString();
    for (const f of [...state.changed]) f();
  });
  return child;
}

/** Resolves once `predicate` holds for everything the child printed, or rejects after `ms`. */
export function readUntil(child: ChildProcess, predicate: (out: string) => boolean, ms = 30_000): Promise<string> {
  const state = outputs.get(child);
  if (state === undefined) throw new Error("readUntil needs a child started by kubectl().spawn");
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!predicate(state.text)) return;
      state.changed.delete(check);
      clearTimeout(timer);
      resolve(state.text);
    };
    const timer = setTimeout(() => {
      state.changed.delete(check);
      reject(new Error(`timed out waiting for output; got:\n${state.text}`));
    }, ms);
    state.changed.add(check);
    check();
  });
}

export const FOO_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "foos.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { kind: "Foo", plural: "foos", singular: "foo", shortNames: ["fo"], listKind: "FooList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: {
                  size: { type: "integer", minimum: 0 },
                  color: { type: "string", default: "blue" },
                  counter: { type: "integer" },
                  free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                },
              },
              status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
            },
          },
        },
      },
    ],
  },
};

export interface WatchEventLine {
  type: string;
  object: ReturnType<typeof JSON.parse>;
}

export interface RawWatch {
  /** Resolves with the first `n` events (waits for them). */
  take(n: number, ms?: number): Promise<WatchEventLine[]>;
  /** Resolves with all events so far once `done` holds for them. */
  until(done: (events: WatchEventLine[]) => boolean, ms?: number): Promise<WatchEventLine[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** A watch read line by line over plain node:http(s), independent of any client library; `ca` for an https URL. */
export function rawWatch(url: string, ca?: string): Promise<RawWatch> {
  return new Promise((resolve, reject) => {
    const events: WatchEventLine[] = [];
    const waiters: (() => void)[] = [];
    let buffer = "";
    const onResponse = (res: IncomingMessage): void => {
      let endedResolve: () => void = () => {};
      const ended = new Promise<void>((r) => (endedResolve = r));
      res.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          events.push(JSON.parse(buffer.slice(0, nl)) as WatchEventLine);
          buffer = buffer.slice(nl + 1);
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on("end", () => endedResolve());
      res.on("close", () => endedResolve());
      const watch: RawWatch = {
        ended,
        close: () => req.destroy(),
        until(predicate, ms = 30_000) {
          return new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`timed out waiting for events; got ${JSON.stringify(events.map((e) => e.type))}`)), ms);
            const check = (): void => {
              if (predicate(events)) {
                clearTimeout(timer);
                done([...events]);
              } else waiters.push(check);
            };
            check();
          });
        },
        take(n, ms) {
          return watch.until((e) => e.length >= n, ms).then((e) => e.slice(0, n));
        },
      };
      resolve(watch);
    };
    const req = url.startsWith("https:") ? httpsGet(url, { ca }, onResponse) : httpGet(url, onResponse);
    req.on("error", reject);
  });
}
