/**
 * Runtime figures on the local stack (embedded API server + fauxqs + relay +
 * handlers, each in its worker thread as `koreo start` runs them): event →
 * reconcile-done latency, triggers reconciled per second with 1, 2 and 4
 * handlers, the reconcile Lambda bundle size and the cold-start time (import +
 * first definitions load; `npm run bench bundle` breaks the bundle down). On a
 * 2-core machine the API server, fauxqs, the relay and the timer poller share
 * the main thread: more handlers than cores overlap waits, not CPU.
 * BENCH_TRIGGERS overrides the 1000 triggers of the throughput runs.
 */
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { startLocalStack, type LocalStack } from "../src/local/stack.ts";
import { silentLogger, type Logger } from "../src/ports/logger.ts";
import { isMap } from "../src/value/value.ts";
import { firstDefinitionsLoad, kib, reconcileBundle } from "./support/cold-start.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const fixtures = `${root}test/e2e/fixtures/`;
const NS = "koreo-e2e";
const TRIGGERS = Number(process.env.BENCH_TRIGGERS ?? 1000);
const SAMPLES = 30;
/** Changes before sampling: each handler thread's first message pays its cold start (reported in its own row), as a new Lambda container's does. */
const WARMUP = 4;
const env = { KOREO_NAMESPACE: NS, RESOURCE_NAMESPACE: NS, KOREO_RESYNC_SECONDS: "3600" };

/**
 * Counts completed runs per trigger uid from the handlers' one log line per run (what the
 * console and `koreo start --once` read), so the handlers can run in their worker threads.
 */
function runWatcher() {
  const done = new Map<string, number>();
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const logger: Logger = {
    ...silentLogger,
    info(_message, fields) {
      if (fields?.uid === undefined || fields.durationMs === undefined) return;
      const uid = String(fields.uid);
      done.set(uid, (done.get(uid) ?? 0) + 1);
      for (const w of [...waiters])
        if (w.test()) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
    },
    child: () => logger,
  };
  const until = (test: () => boolean, timeoutMs = 300_000) =>
    new Promise<void>((resolve, reject) => {
      if (test()) return resolve();
      const timer = setTimeout(() => reject(new Error(`bench wait exceeded ${timeoutMs} ms`)), timeoutMs);
      waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { logger, done, until };
}

function widget(name: string, value: string) {
  return { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name, namespace: NS }, spec: { value } };
}

async function latency(): Promise<{ p50: number; p99: number; n: number }> {
  const watcher = runWatcher();
  const stack = await startLocalStack({
    handlers: 2,
    handlerThreads: true,
    manifests: [`${fixtures}widget-crd.yaml`, `${fixtures}widget-program.yaml`],
    env,
    logger: watcher.logger,
  });
  try {
    const created = await stack.cluster.apply(widget("lat", "0"), { fieldManager: "bench", force: true });
    const uid = created.ok && isMap(created.value.metadata) ? String(created.value.metadata.uid) : "";
    await watcher.until(() => (watcher.done.get(uid) ?? 0) >= 2); // create, then the 1 s re-check
    const samples: number[] = [];
    for (let i = 1; i <= WARMUP + SAMPLES; i++) {
      const before = watcher.done.get(uid) ?? 0;
      const t0 = performance.now();
      await stack.cluster.apply(widget("lat", String(i)), { fieldManager: "bench", force: true });
      await watcher.until(() => (watcher.done.get(uid) ?? 0) > before);
      if (i > WARMUP) samples.push(performance.now() - t0);
      await watcher.until(() => (watcher.done.get(uid) ?? 0) > before + 1); // its 1 s re-check after the patch
    }
    samples.sort((a, b) => a - b);
    return { p50: samples[Math.floor(samples.length * 0.5)] ?? 0, p99: samples[Math.floor(samples.length * 0.99)] ?? 0, n: samples.length };
  } finally {
    await stack.stop();
  }
}

/** Triggers exist first; applying the Workflow makes the relay list them all at once. */
async function throughput(handlers: number): Promise<number> {
  const watcher = runWatcher();
  const stack: LocalStack = await startLocalStack({ handlers, handlerThreads: true, manifests: [`${fixtures}widget-crd.yaml`], env, logger: watcher.logger });
  try {
    await stack.cluster.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, { fieldManager: "bench" });
    for (let i = 0; i < TRIGGERS; i += 50) {
      const applied = await Promise.all(
        Array.from({ length: Math.min(50, TRIGGERS - i) }, (_, j) => stack.cluster.apply(widget(`t${i + j}`, "v"), { fieldManager: "bench", force: true })),
      );
      if (applied.some((a) => !a.ok)) throw new Error("could not create the bench triggers");
    }
    const t0 = performance.now();
    const { applyManifests, readManifests } = await import("../src/local/apply.ts");
    await applyManifests(stack.cluster, readManifests([`${fixtures}widget-program.yaml`]));
    await watcher.until(() => watcher.done.size >= TRIGGERS);
    return TRIGGERS / ((performance.now() - t0) / 1000);
  } finally {
    await stack.stop();
  }
}

const progress = (what: string) => console.error(`… ${what}`);
progress("cold start");
const firstLoadMs = await firstDefinitionsLoad();
progress("bundle");
const bundled = await reconcileBundle();
progress("latency");
const lat = await latency();
const rates: Record<number, number> = {};
for (const n of [1, 2, 4]) {
  progress(`throughput with ${n} handler(s)`);
  rates[n] = await throughput(n);
}

console.table({
  "reconcile bundle (esbuild, minified)": { value: kib(bundled.bytes) },
  "cold start: import the bundle (fresh process, median of 5)": { value: `${bundled.importMs.toFixed(0)} ms` },
  "cold start: first definitions load + prepare (examples)": { value: `${firstLoadMs.toFixed(0)} ms` },
  [`event → reconcile done p50 (n=${lat.n})`]: { value: `${lat.p50.toFixed(0)} ms` },
  [`event → reconcile done p99 (n=${lat.n})`]: { value: `${lat.p99.toFixed(0)} ms` },
  ...Object.fromEntries(
    [1, 2, 4].map((n) => [
      `${TRIGGERS} triggers, ${n} handler(s)`,
      { value: `${(rates[n] ?? 0).toFixed(1)} /s (×${((rates[n] ?? 0) / (rates[1] ?? 1)).toFixed(2)})` },
    ]),
  ),
});
