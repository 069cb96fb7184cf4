/**
 * End-to-end harness for the cluster commands: an embedded API server over real HTTP,
 * a kubeconfig file for it, and `node bin/koreo.mjs …` spawned as a user would run it.
 * The child is spawned asynchronously: the server lives in this process's event loop.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import type { ClusterApi, KubeObject, ObjectRef } from "../../src/cluster/cluster-api.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ClusterHarness {
  readonly server: RunningApiServer;
  readonly dir: string;
  readonly kubeconfig: string;
  /** A second, independent client to check what the CLI wrote. */
  readonly cluster: ClusterApi;
  /** Runs `koreo <args>` with KUBECONFIG pointing at the embedded server (CLI-16 standard location). */
  koreo(...args: string[]): Promise<CliRun>;
  /** The live object, or undefined when the server says NotFound. */
  read(ref: ObjectRef): Promise<KubeObject | undefined>;
  close(): Promise<void>;
}

const BIN = new URL("../../bin/koreo.mjs", import.meta.url).pathname;

export function runKoreo(args: readonly string[], env: Readonly<Record<string, string>>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout: stdout.trimEnd(), stderr: stderr.trimEnd() });
    });
  });
}

export async function clusterHarness(): Promise<ClusterHarness> {
  const server = await startApiServer({ port: 0 });
  const dir = await mkdtemp(join(tmpdir(), "koreo-cli-cluster-"));
  const kubeconfig = join(dir, "kubeconfig");
  server.writeKubeconfig(kubeconfig);
  const cluster = createClientNodeCluster(loadKubeConfig({ kubeconfigPath: kubeconfig }));
  return {
    server,
    dir,
    kubeconfig,
    cluster,
    koreo: (...args) => runKoreo(args, { KUBECONFIG: kubeconfig }),
    async read(ref) {
      const got = await cluster.get(ref);
      if (got.ok) return got.value;
      if (got.error.reason === "NotFound") return undefined;
      throw new Error(`GET ${ref.kind}/${ref.name}: ${got.error.message}`);
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const FIXTURES = new URL("../cli-cluster/fixtures/", import.meta.url).pathname;

export function lines(text: string): string[] {
  return text === "" ? [] : text.split("\n");
}

/** `metadata.annotations[key]` of an object, if it is a string. */
export function annotation(object: KubeObject | undefined, key: string): string | undefined {
  const metadata = object?.metadata;
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) return undefined;
  const annotations = metadata.annotations;
  if (annotations === null || typeof annotations !== "object" || Array.isArray(annotations)) return undefined;
  const value = annotations[key];
  return typeof value === "string" ? value : undefined;
}
