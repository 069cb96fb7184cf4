/**
 * Definitions on the shared reference workloads (/work/shared/bench/*.koreo.yaml): time
 * per definition to parse (YAML → Definitions with positions), to validate against the
 * CRD schemas, and to load a whole registry with the real preparers (parse + schema +
 * expression compilation + reference resolution), beside the Python reference's prepare
 * medians. Every definition must prepare cleanly before anything is timed.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadText } from "../src/definitions/load.ts";
import { loadRegistry } from "../src/definitions/load-registry.ts";
import { validateSpec } from "../src/definitions/schema.ts";
import type { Preparers } from "../src/definitions/definition.ts";
import { prepareResourceFunction, prepareResourceTemplate, prepareValueFunction } from "../src/logic/index.ts";
import { prepareWorkflow } from "../src/workflow/index.ts";

const SHARED = "/work/shared/bench/";
/** Python reference (koreo-core 0.1.17), median prepare per definition, /work/shared/bench/README.md. */
const REFERENCE_MS: Record<string, number> = {
  "value-function.koreo.yaml": 3.47,
  "resource-function.koreo.yaml": 5.16,
  "workflow.koreo.yaml": 4.54,
};
const ROUNDS = 7;
const ITERATIONS = 200;

const preparers: Preparers = {
  ValueFunction: prepareValueFunction,
  ResourceFunction: prepareResourceFunction,
  ResourceTemplate: prepareResourceTemplate,
  Workflow: prepareWorkflow,
};

/** Median over rounds of wall time per call, in ms. */
function msPerCall(call: () => unknown): number {
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < ITERATIONS; i++) call();
    samples.push((performance.now() - start) / ITERATIONS);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

function checkClean(file: string, text: string): number {
  const loaded = loadText(text, file);
  assert.deepEqual(loaded.problems, [], `${file} does not load cleanly`);
  for (const d of loaded.definitions) assert.ok(validateSpec(d).ok, `${file}: ${d.name} fails the schema`);
  const { problems } = loadRegistry(loaded, preparers);
  assert.deepEqual(problems, [], `${file} does not prepare cleanly`);
  return loaded.definitions.length;
}

const rows: string[][] = [];
for (const file of Object.keys(REFERENCE_MS)) {
  const text = readFileSync(SHARED + file, "utf8");
  const count = checkClean(file, text);
  const definitions = loadText(text, file).definitions;
  const parse = msPerCall(() => loadText(text, file)) / count;
  const schema = msPerCall(() => definitions.forEach(validateSpec)) / count;
  const full = msPerCall(() => loadRegistry(loadText(text, file), preparers)) / count;
  const reference = REFERENCE_MS[file] ?? Number.NaN;
  rows.push([file, String(count), parse.toFixed(3), schema.toFixed(3), full.toFixed(3), reference.toFixed(2), `${(reference / full).toFixed(1)}x`]);
}

const header = ["file", "defs", "parse ms/def", "schema ms/def", "load+prepare ms/def", "reference prepare ms", "speed-up"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "));
console.log(
  "\nload+prepare = YAML parse + schema validation + expression compilation + reference resolution, per definition (the workflow file holds a ValueFunction and the Workflow).",
);
