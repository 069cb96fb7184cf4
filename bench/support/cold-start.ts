/**
 * Cold-start figures of the reconcile Lambda, shared by bench/bundle.bench.ts
 * and bench/runtime.bench.ts: the bundle serverless.yml ships (esbuild of
 * handlers/reconcile.ts, minified) with what fills it, the time a fresh process
 * takes to import it (the Lambda init phase before any request), and the first
 * definitions load + prepare (what the first request adds).
 */
import { build, type Metafile } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { startLocalStack } from "../../src/local/stack.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface BundleFigures {
  readonly bytes: number;
  /** Median of `samples` imports, each in a fresh process. */
  readonly importMs: number;
  readonly importSamplesMs: readonly number[];
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

function importOnce(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  return Number(child.stdout.trim().split("\n").pop());
}

/** Bundles the reconcile function as serverless.yml does (serverless-esbuild, minified ESM) and times cold imports of it. */
export async function reconcileBundle(samples = 5): Promise<BundleFigures> {
  const outfile = join(mkdtempSync(join(tmpdir(), "koreo-bench-")), "reconcile.mjs");
  try {
    const result = await build({
      entryPoints: [`${root}handlers/reconcile.ts`],
      bundle: true,
      minify: true,
      platform: "node",
      format: "esm",
      target: "node22",
      outfile,
      metafile: true,
      banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    });
    const importSamplesMs = Array.from({ length: samples }, () => importOnce(outfile));
    const sorted = [...importSamplesMs].sort((a, b) => a - b);
    return { bytes: statSync(outfile).size, importMs: sorted[Math.floor(sorted.length / 2)] ?? NaN, importSamplesMs, largest: largestInputs(result.metafile) };
  } finally {
    rmSync(dirname(outfile), { recursive: true, force: true });
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
    const t1 = performance.now();
    const runtime = composeRuntime({
      config: configFromEnv({ KOREO_NAMESPACE: "acme-platform" }),
      cluster: stack.cluster,
      sqs: stack.sqs.client,
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
