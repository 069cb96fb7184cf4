/**
 * Koreo expressions: compile and evaluate ns/op, ours next to raw @bufbuild/cel
 * (`plan(env, parse(src))` on pre-converted inputs, same functions), with the
 * Python reference's Koreo times from shared/bench/cel-expressions.yaml's
 * workload (reference-performance.md). Expected values are checked first.
 */
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { isCelError, parse, plan, type CelInput } from "@bufbuild/cel";
import { parse as parseYaml } from "yaml";
import { prepareBody, type CompiledBody } from "../src/expressions/index.ts";
import { valueToCel } from "../src/expressions/convert.ts";
import { koreoEnv } from "../src/expressions/env.ts";
import { toJsonText, type Value, type ValueMap } from "../src/value/value.ts";

interface Workload {
  readonly id: string;
  readonly expr?: string;
  readonly mapSpec?: ValueMap;
  readonly inputsOverride?: ValueMap;
  readonly expect?: Value;
  /** Python reference: Koreo prepare / Koreo eval, µs (reference-performance.md). */
  readonly python?: readonly [number, number];
  /** Raw text when the Koreo text uses a form plain CEL lacks (global form of a receiver function). */
  readonly raw?: string;
}

const PYTHON: Record<string, readonly [number, number]> = {
  concat: [137, 159],
  "map-filter": [278, 3370],
  "map-filter-20": [279, 8190],
  "has-ternary": [190, 268],
  "nested-and-size": [211, 321],
  "custom-global-fn": [88, 195],
  "custom-receiver-fn": [65, 110],
  split_first: [95, 170],
  "map-40": [6340, 10860],
  "map-40-spec": [6500, 10720],
};

/** YAML with ints as bigint; JS numbers stay doubles. */
function toValue(x: unknown): Value {
  if (Array.isArray(x)) return x.map(toValue);
  if (typeof x === "object" && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toValue(v)]));
  return x as Value;
}

const file = parseYaml(readFileSync(new URL("../../shared/bench/cel-expressions.yaml", import.meta.url), "utf8"), { intAsBigInt: true }) as {
  inputs: unknown;
  expressions: Array<Record<string, unknown>>;
};
const baseInputs = toValue(file.inputs) as ValueMap;
const workloads: Workload[] = [
  { id: "field-access", expr: "inputs.metadata.name", expect: "web" },
  { id: "receiver-fn lower", expr: "inputs.spec.env.lower()", expect: "prod" },
  { id: "to_json", expr: "to_json(inputs.resource)", raw: "inputs.resource.to_json()" },
  ...file.expressions.map((e) => {
    const w = toValue(e) as unknown as Workload;
    return { ...w, python: PYTHON[w.id], raw: w.id === "custom-global-fn" ? "inputs.resource.self_ref()" : undefined };
  }),
];

const BATCH_MS = Number(process.env.BATCH_MS ?? 150);
const RUNS = Number(process.env.RUNS ?? 5);

/** Median ns/op over RUNS batches of about BATCH_MS each. */
function measure(fn: (i: number) => unknown): number {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    if (performance.now() - t > 20) break;
    n *= 2;
  }
  const perBatch = Math.max(1, Math.round((n * BATCH_MS) / 20));
  const results: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    for (let i = 0; i < perBatch; i++) fn(i);
    results.push(((performance.now() - t) * 1e6) / perBatch);
  }
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)] as number;
}

function fmt(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

function prepare(w: Workload, suffix = ""): CompiledBody {
  const spec: Value = w.mapSpec ?? `=${w.expr}${suffix}`;
  const p = prepareBody(spec, `bench:${w.id}`);
  if (!p.ok || p.value === undefined) throw new Error(`${w.id}: ${p.ok ? "empty" : p.outcome.message}`);
  return p.value;
}

let counter = 0;
/** Whitespace spelling a new number each call (CEL has no comments), so no cache answers. */
function uniqueSuffix(): string {
  return ` ${(++counter).toString(2).replace(/0/g, " ").replace(/1/g, "\t")}`;
}

const env = koreoEnv();
const rows: string[][] = [];
for (const w of workloads) {
  const scope = { inputs: { ...baseInputs, ...(w.inputsOverride ?? {}) } };
  const body = prepare(w);
  const check = body.evaluate(scope);
  if (!check.ok) throw new Error(`${w.id}: ${check.outcome.message}`);
  if (w.expect !== undefined && !isDeepStrictEqual(JSON.parse(toJsonText(check.value)), JSON.parse(toJsonText(w.expect)))) {
    throw new Error(`${w.id}: got ${toJsonText(check.value)}, expected ${toJsonText(w.expect)}`);
  }
  const evalOurs = measure(() => body.evaluate(scope));
  // Unique trailing whitespace defeats the source caches, so this is a real compile.
  const compileOurs = w.mapSpec === undefined ? measure(() => prepare(w, uniqueSuffix())) : measure(() => prepare(w));
  let rawEval = NaN;
  let rawCompile = NaN;
  const rawText = w.raw ?? w.expr;
  if (rawText !== undefined) {
    const program = plan(env, parse(rawText));
    const ctx: Record<string, CelInput> = { inputs: valueToCel(scope.inputs) };
    const rawCheck = program(ctx);
    if (isCelError(rawCheck)) throw new Error(`${w.id} raw: ${rawCheck.message}`);
    rawEval = measure(() => program(ctx));
    rawCompile = measure(() => plan(env, parse(rawText + uniqueSuffix())));
  }
  const py = w.python;
  rows.push([
    w.id,
    fmt(compileOurs),
    Number.isNaN(rawCompile) ? "–" : fmt(rawCompile),
    fmt(evalOurs),
    Number.isNaN(rawEval) ? "–" : fmt(rawEval),
    Number.isNaN(rawEval) ? "–" : `${(evalOurs / rawEval).toFixed(2)}×`,
    py === undefined ? "–" : `${py[0]} µs`,
    py === undefined ? "–" : `${py[1] >= 1000 ? `${(py[1] / 1000).toFixed(2)} ms` : `${py[1]} µs`}`,
    py === undefined ? "–" : `${Math.round((py[1] * 1000) / evalOurs)}×`,
  ]);
}

const header = ["expression", "compile ours", "compile raw", "eval ours", "eval raw", "ours÷raw", "Python prepare", "Python eval", "Python÷ours"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
console.log("\nraw = plan(koreoEnv(), parse(src))(pre-converted inputs); custom-global-fn and to_json raw use the receiver form.");
