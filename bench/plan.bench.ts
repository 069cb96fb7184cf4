/**
 * `koreo plan` over 1 000 triggers on the embedded API server (real HTTP): the test fixture
 * program (test/cli-cluster/fixtures/plan), 1 000 Alpha triggers converged by the engine as a
 * controller would leave them, then `node bin/koreo.mjs plan` of a change to the ValueFunction
 * they all reach, spawned as a user runs it. The per-trigger figure subtracts a plan of the
 * unchanged definitions (process start, loading, listing the definitions: the fixed part).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startApiServer } from "../src/apiserver/index.ts";
import type { ClusterApi } from "../src/cluster/index.ts";
import { createClientNodeCluster, loadKubeConfig } from "../src/cluster/adapters/index.ts";
import { silentLogger, systemClock } from "../src/ports/index.ts";
import { loadProgram } from "../src/program/index.ts";
import { reconcileTrigger } from "../src/workflow/index.ts";

const TRIGGERS = 1000;
const SETUP_CONCURRENCY = 16;
const NS = "plan-bench";
const root = new URL("../", import.meta.url).pathname;
const BIN = join(root, "bin/koreo.mjs");
const PLAN = join(root, "test/cli-cluster/fixtures/plan");

interface Run {
  readonly code: number;
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
}

function koreo(kubeconfig: string, ...args: string[]): Promise<Run> {
  const start = performance.now();
  return new Promise((resolve) => {
    const env = { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: "1" };
    execFile(process.execPath, [BIN, ...args], { env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, ms: performance.now() - start, stdout, stderr });
    });
  });
}

async function bounded(count: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) await fn(i);
  };
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, worker));
}

function must(run: Run, what: string, codes: readonly number[] = [0]): Run {
  if (!codes.includes(run.code)) throw new Error(`${what}: exit ${run.code}\n${run.stderr}`);
  return run;
}

async function setUp(kubeconfig: string, cluster: ClusterApi): Promise<void> {
  must(await koreo(kubeconfig, "apply", "--include-crds", join(root, "infra/crds"), join(PLAN, "crds.yaml")), "apply CRDs");
  must(await koreo(kubeconfig, "apply", "-n", NS, "--create-namespaces", join(PLAN, "program")), "apply program");
  const program = await loadProgram([join(PLAN, "program")]);
  const deps = { cluster, definitions: program.registry, clock: systemClock, logger: silentLogger };
  await bounded(TRIGGERS, async (i) => {
    const name = `alpha-${String(i).padStart(4, "0")}`;
    const created = await cluster.create({ apiVersion: "plan.koreo.test/v1", kind: "Alpha", metadata: { name, namespace: NS }, spec: {} });
    if (!created.ok) throw new Error(created.error.message);
    const ref = { apiVersion: "plan.koreo.test/v1", kind: "Alpha", namespace: NS, name };
    await reconcileTrigger(ref, deps);
    await reconcileTrigger(ref, deps);
  });
}

async function main(): Promise<void> {
  const server = await startApiServer({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), "koreo-plan-bench-"));
  const kubeconfig = join(dir, "kubeconfig");
  server.writeKubeconfig(kubeconfig);
  try {
    const setupStart = performance.now();
    await setUp(kubeconfig, createClientNodeCluster(loadKubeConfig({ kubeconfigPath: kubeconfig })));
    const setupMs = performance.now() - setupStart;
    const same = must(await koreo(kubeconfig, "plan", "-n", NS, join(PLAN, "same")), "plan (no change)");
    const changed = must(await koreo(kubeconfig, "plan", "-n", NS, join(PLAN, "changed")), "plan (change)", [1]);
    const summary = changed.stdout.trimEnd().split("\n").at(-1) ?? "";
    const perTrigger = (changed.ms - same.ms) / TRIGGERS;
    console.log(`setup (${TRIGGERS} triggers created and converged)  ${(setupMs / 1000).toFixed(1)} s`);
    console.log(`koreo plan, no change (fixed cost)          ${same.ms.toFixed(0)} ms`);
    console.log(`koreo plan, ${TRIGGERS} triggers affected        ${changed.ms.toFixed(0)} ms`);
    console.log(`per trigger (two dry runs + diff)           ${perTrigger.toFixed(2)} ms`);
    console.log(`summary line: ${summary}`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
