/**
 * FunctionTest cases per second on examples/ (CLI-12): cold, one `koreo test`
 * process per run including Node and tsx start-up; warm, repeated in-process runs
 * of the already-prepared registry.
 */
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { loadPaths, loadRegistry } from "../src/definitions/index.ts";
import { KOREO_PREPARERS } from "../src/program/index.ts";
import { runAllTests } from "../src/function-test/index.ts";

const PATHS = ["examples/"];
const COLD_RUNS = 5;
const WARM_SECONDS = 3;

async function caseCount(): Promise<{ registry: ReturnType<typeof loadRegistry>["registry"]; cases: number }> {
  const { registry } = loadRegistry(await loadPaths(PATHS), KOREO_PREPARERS);
  const runs = await runAllTests(registry);
  if (!runs.every((r) => r.result.passed)) throw new Error("examples/ FunctionTests must pass before timing");
  const cases = runs.reduce((n, r) => n + r.result.cases.filter((c) => !c.skipped).length, 0);
  return { registry, cases };
}

function cold(cases: number): { ms: number; casesPerSecond: number } {
  const times: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, ["bin/koreo.mjs", "test", ...PATHS], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`koreo test failed: ${r.stderr}`);
    times.push(performance.now() - start);
  }
  const ms = median(times);
  return { ms, casesPerSecond: (cases * 1000) / ms };
}

async function warm(registry: Parameters<typeof runAllTests>[0], cases: number): Promise<{ msPerRun: number; casesPerSecond: number; runs: number }> {
  await runAllTests(registry); // JIT warm-up
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < WARM_SECONDS * 1000) {
    await runAllTests(registry);
    runs++;
  }
  const elapsed = performance.now() - start;
  return { msPerRun: elapsed / runs, casesPerSecond: (runs * cases * 1000) / elapsed, runs };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const { registry, cases } = await caseCount();
const c = cold(cases);
const w = await warm(registry, cases);
console.table([
  { mode: "cold (process per run, median of 5)", "cases/run": cases, "ms/run": c.ms.toFixed(1), "cases/s": c.casesPerSecond.toFixed(1) },
  { mode: `warm (in-process, ${w.runs} runs)`, "cases/run": cases, "ms/run": w.msPerRun.toFixed(2), "cases/s": w.casesPerSecond.toFixed(0) },
]);
console.log(`warm/cold speed ratio: ${(w.casesPerSecond / c.casesPerSecond).toFixed(0)}x`);
