/**
 * Cold-start figures of the reconcile Lambda, shared by bench/bundle.bench.ts
 * and bench/runtime.bench.ts: the bundle serverless.yml ships (esbuild of
 * handlers/reconcile.ts, minified, split: the engine and the X-Ray tracer are
 * chunks loaded with import() on first use) with what fills it, the time a fresh
 * process takes to import it (the Lambda init phase before any request), the same
 * plus loading the engine's chunks (what the first request adds to that), and the
 * first definitions load + prepare (the rest of what the first request adds).
 */
import { build, type Metafile } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { startLocalStack } from "../../src/local/stack.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface BundleFigures {
  /** What a cold start loads: the handler's file and the chunks it imports statically. */
  readonly bytes: number;
  /** Every file of the bundle, the chunks loaded on first use included (source maps excluded). */
  readonly totalBytes: number;
  /** Median of `samples` imports, each in a fresh process. */
  readonly importMs: number;
  readonly importSamplesMs: readonly number[];
  /** CPU time (user + system) of the same imports, median: steadier than wall time on a shared machine. */
  readonly importCpuMs: number;
  /** Import, then the engine's chunks (what the first request loads), in fresh processes: median wall time. */
  readonly importWithEngineMs: number;
  /** Output bytes per npm package (or `src/<dir>` for our code), largest first. */
  readonly largest: readonly { readonly name: string; readonly bytes: number }[];
}

function ownerOf(input: string): string {
  const pkg = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  return pkg?.[1] ?? input.split("/").slice(0, 2).join("/");
}

function largestInputs(metafile: Metafile): { name: string; bytes: number }[] {
  const byOwner = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [input, info] of Object.entries(output.inputs)) byOwner.set(ownerOf(input), (byOwner.get(ownerOf(input)) ?? 0) + info.bytesInOutput);
  return [...byOwner].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

function importOnce(files: readonly string[]): { wallMs: number; cpuMs: number } {
  const script = [
    "const c = process.cpuUsage(); const t = performance.now();",
    ...files.map((file) => `await import(${JSON.stringify(pathToFileURL(file).href)});`),
    "const u = process.cpuUsage(c); console.log(performance.now() - t, (u.user + u.system) / 1000);",
  ].join(" ");
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  const [wallMs, cpuMs] = (child.stdout.trim().split("\n").pop() ?? "").split(" ").map(Number);
  return { wallMs: wallMs ?? NaN, cpuMs: cpuMs ?? NaN };
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}

/** The outputs a file loads before it runs: itself and, transitively, the chunks it imports statically. */
function loadedWith(metafile: Metafile, file: string, seen = new Set<string>()): Set<string> {
  seen.add(file);
  for (const i of metafile.outputs[file]?.imports ?? [])
    if (i.kind === "import-statement" && i.path in metafile.outputs && !seen.has(i.path)) loadedWith(metafile, i.path, seen);
  return seen;
}

/** Bundles the reconcile function as serverless.yml does (serverless-esbuild, minified split ESM) and times cold imports of it. */
export async function reconcileBundle(samples = 5): Promise<BundleFigures> {
  const outdir = mkdtempSync(join(tmpdir(), "koreo-bench-"));
  try {
    const result = await build({
      entryPoints: [`${root}handlers/reconcile.ts`],
      bundle: true,
      minify: true,
      splitting: true,
      platform: "node",
      format: "esm",
      target: "node22",
      outdir,
      outExtension: { ".js": ".mjs" },
      metafile: true,
      banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    });
    const { outputs } = result.metafile;
    const files = Object.keys(outputs);
    const entry = files.find((f) => outputs[f]?.entryPoint?.endsWith("handlers/reconcile.ts")) ?? "";
    // The engine: the modules of our own src/ that the runtime imports on first use (not the tracer's package).
    const engine = files.filter((f) => outputs[f]?.entryPoint?.startsWith("src/") === true);
    const loaded = loadedWith(result.metafile, entry);
    const absolute = (f: string) => join(process.cwd(), f);
    const imports = Array.from({ length: samples }, () => importOnce([absolute(entry)]));
    const withEngine = Array.from({ length: samples }, () => importOnce([entry, ...engine].map(absolute)));
    const importSamplesMs = imports.map((i) => i.wallMs);
    return {
      bytes: [...loaded].reduce((sum, f) => sum + (outputs[f]?.bytes ?? 0), 0),
      totalBytes: files.reduce((sum, f) => sum + (outputs[f]?.bytes ?? 0), 0),
      importMs: median(importSamplesMs),
      importSamplesMs,
      importCpuMs: median(imports.map((i) => i.cpuMs)),
      importWithEngineMs: median(withEngine.map((i) => i.wallMs)),
      largest: largestInputs(result.metafile),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The first definitions load + prepare of a fresh runtime (the examples' definitions), over HTTP to the embedded API server. */
export async function firstDefinitionsLoad(): Promise<number> {
  const stack = await startLocalStack({
    handlers: 0,
    manifests: [`${root}examples/crds`, `${root}examples/functions`, `${root}examples/workflow/webapp.k.yaml`],
    env: { KOREO_NAMESPACE: "acme-platform" },
  });
  try {
    const { composeRuntime } = await import("../../src/lambda/composition-root.ts");
    const { configFromEnv } = await import("../../src/config/config.ts");
    const { createSqsClient } = await import("../../src/queue/adapters/index.ts");
    // The runtime imports its engine on first use; loaded here first, so that the figure stays the
    // definitions load itself (the engine's load from the bundle is importWithEngineMs).
    await Promise.all([import("../../src/program/index.ts"), import("../../src/reconciler/index.ts"), import("../../src/workflow/index.ts")]);
    const t1 = performance.now();
    const runtime = composeRuntime({
      config: configFromEnv({ KOREO_NAMESPACE: "acme-platform" }),
      cluster: stack.cluster,
      sqs: createSqsClient({
        region: "us-east-1",
        endpoint: stack.sqs.endpoint,
        credentials: async () => ({ accessKeyId: "local", secretAccessKey: "local" }),
      }),
      clock: { now: Date.now },
      logger: (await import("../../src/ports/logger.ts")).silentLogger,
      metrics: (await import("../../src/ports/metrics.ts")).noMetrics,
    });
    await runtime.definitions.refresh(true);
    return performance.now() - t1;
  } finally {
    await stack.stop();
  }
}

export const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
