/** Shared fixtures: a server per test, JSON requests, and kubectl as an independent client. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { get as httpGet } from "node:http";
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

export async function harness(options: ApiServerOptions = {}): Promise<Harness> {
  const server = await startApiServer(options);
  const dir = mkdtempSync(join(tmpdir(), "koreo-apiserver-test-"));
  return {
    server,
    dir,
    async req(method, path, body, contentType = "application/json") {
      const init: RequestInit = { method, headers: { "content-type": contentType } };
      if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
      const res = await fetch(`${server.url}${path}`, init);
      const text = await res.text();
      return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
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

/** A watch read line by line over plain node:http, independent of any client library. */
export function rawWatch(url: string): Promise<RawWatch> {
  return new Promise((resolve, reject) => {
    const events: WatchEventLine[] = [];
    const waiters: (() => void)[] = [];
    let buffer = "";
    const req = httpGet(url, (res) => {
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
    });
    req.on("error", reject);
  });
}
