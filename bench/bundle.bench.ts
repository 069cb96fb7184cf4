/**
 * `npm run bench bundle`: the reconcile Lambda's bundle size, what fills it
 * (largest npm packages and our code), its cold import in a fresh process
 * (median of 7) and the first definitions load, separately. Targets from the
 * "cost per reconcile" issue: ≤ 1 MiB and ≤ 80 ms import on the 2-core
 * reference machine (absolute times move with the machine's load).
 */
import { firstDefinitionsLoad, kib, reconcileBundle } from "./support/cold-start.ts";

const TOP = 15;

console.error("… bundle and cold imports");
const bundle = await reconcileBundle(7);
console.error("… first definitions load");
const firstLoadMs = await firstDefinitionsLoad();

console.table({
  "reconcile bundle (esbuild, minified)": { value: kib(bundle.bytes) },
  "cold import, median of 7 fresh processes": { value: `${bundle.importMs.toFixed(0)} ms` },
  "cold import, all samples": { value: bundle.importSamplesMs.map((ms) => ms.toFixed(0)).join(" ") },
  "first definitions load + prepare (examples)": { value: `${firstLoadMs.toFixed(0)} ms` },
  "@kubernetes/client-node in the bundle": { value: kib(bundle.largest.find((p) => p.name === "@kubernetes/client-node")?.bytes ?? 0) },
});
console.log(`\nLargest parts of the bundle (output bytes):`);
console.table(
  Object.fromEntries(bundle.largest.slice(0, TOP).map((p) => [p.name, { size: kib(p.bytes), share: `${((100 * p.bytes) / bundle.bytes).toFixed(1)} %` }])),
);
