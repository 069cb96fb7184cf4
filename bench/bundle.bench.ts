/**
 * `npm run bench bundle`: the reconcile Lambda's bundle size, what fills it
 * (largest npm packages and our code), its cold import in a fresh process
 * (median of 7), the same with the engine's chunks the first request loads, and
 * the first definitions load, separately. Targets from the
 * "cost per reconcile" issue: ≤ 1 MiB and ≤ 80 ms import on the 2-core
 * reference machine (absolute times move with the machine's load).
 */
import { firstDefinitionsLoad, kib, reconcileBundle } from "./support/cold-start.ts";

const TOP = 15;
/** The Tracer and what it brings; bundled, but evaluated only where tracing is on (src/lambda/observability.ts). */
const XRAY = new Set(["@aws-lambda-powertools/tracer", "aws-xray-sdk-core", "semver", "cls-hooked", "emitter-listener", "shimmer", "atomic-batcher"]);
const sum = (parts: readonly { bytes: number }[]) => parts.reduce((total, p) => total + p.bytes, 0);

console.error("… bundle and cold imports");
const bundle = await reconcileBundle(7);
console.error("… first definitions load");
const firstLoadMs = await firstDefinitionsLoad();

console.table({
  "reconcile bundle (esbuild, minified): loaded at cold start": { value: kib(bundle.bytes) },
  "reconcile bundle: all files (with the chunks loaded on first use)": { value: kib(bundle.totalBytes) },
  "cold import, median of 7 fresh processes": { value: `${bundle.importMs.toFixed(0)} ms` },
  "cold import, all samples": { value: bundle.importSamplesMs.map((ms) => ms.toFixed(0)).join(" ") },
  "cold import CPU time (user + system), median": { value: `${bundle.importCpuMs.toFixed(0)} ms` },
  "cold import + the engine's chunks (first request), median": { value: `${bundle.importWithEngineMs.toFixed(0)} ms` },
  "first definitions load + prepare (examples)": { value: `${firstLoadMs.toFixed(0)} ms` },
  "@kubernetes/client-node in the bundle": { value: kib(bundle.largest.find((p) => p.name === "@kubernetes/client-node")?.bytes ?? 0) },
  "AWS SDK (@aws-sdk/*, @smithy/*) in the bundle": { value: kib(sum(bundle.largest.filter((p) => /^@(aws-sdk|smithy)\//.test(p.name)))) },
  "X-Ray (Powertools Tracer, loaded only when tracing)": { value: kib(sum(bundle.largest.filter((p) => XRAY.has(p.name)))) },
});
console.log(`\nLargest parts of the bundle (output bytes):`);
console.table(
  Object.fromEntries(bundle.largest.slice(0, TOP).map((p) => [p.name, { size: kib(p.bytes), share: `${((100 * p.bytes) / bundle.totalBytes).toFixed(1)} %` }])),
);
