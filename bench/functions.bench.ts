/**
 * Functions on the shared reference workloads (/work/shared/bench): prepare time per
 * definition and CPU per reconcile for the ValueFunction and the ResourceFunction
 * no-op path (in-memory ClusterApi), with API calls per no-op reconcile, beside the
 * Python reference's medians. Expected values are checked before timing.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { createInMemoryCluster } from "../src/cluster/adapters/in-memory.ts";
import type { Definition, DefinitionLookup } from "../src/definitions/definition.ts";
import { loadText } from "../src/definitions/load.ts";
import {
  prepareResourceFunction,
  prepareValueFunction,
  runResourceFunction,
  runValueFunction,
  type Owner,
  type PreparedResourceFunction,
  type PreparedValueFunction,
} from "../src/logic/index.ts";
import { isMap, type Value, type ValueMap } from "../src/value/value.ts";

const SHARED = "/work/shared/bench/";
const ITERATIONS = 2000;
const PREPARE_ITERATIONS = 300;
const NO_LOOKUP: DefinitionLookup = { get: () => undefined };

function loadOne(file: string): Definition {
  const loaded = loadText(readFileSync(SHARED + file, "utf8"), file);
  const def = loaded.definitions[0];
  assert.ok(def, `no definition in ${file}`);
  return def;
}

function field(v: Value | undefined, key: string): Value {
  assert.ok(isMap(v));
  return v[key] ?? null;
}

/** Median of `rounds` CPU-time samples of `iterations` calls, in µs per call. */
async function cpuPerCall(iterations: number, call: () => unknown | Promise<unknown>, rounds = 5): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) await call();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

function prepared<T>(outcome: ReturnType<typeof prepareValueFunction> | ReturnType<typeof prepareResourceFunction>): T {
  assert.ok(outcome.ok, outcome.ok ? "" : outcome.outcome.message);
  return outcome.value as T;
}

const benchInputs = parse(readFileSync(SHARED + "bench-inputs.yaml", "utf8"), { intAsBigInt: true }) as ValueMap;
const inputs = field(benchInputs, "inputs");
const ownerSpec = field(benchInputs, "owner");
const ref = field(ownerSpec, "ref") as ValueMap;
const owner: Owner = {
  namespace: String(field(ownerSpec, "namespace")),
  reference: {
    apiVersion: String(ref.apiVersion),
    kind: String(ref.kind),
    name: String(ref.name),
    uid: String(ref.uid),
    blockOwnerDeletion: ref.blockOwnerDeletion === true,
    controller: ref.controller === true,
  },
};
const expect = field(benchInputs, "expect");

// ValueFunction: check, then time.
const vfDef = loadOne("value-function.koreo.yaml");
const vf = prepared<PreparedValueFunction>(prepareValueFunction(vfDef, NO_LOOKUP));
assert.deepEqual(runValueFunction(vf, inputs), { kind: "Ok", value: field(expect, "valueFunction") });
const vfPrepare = await cpuPerCall(PREPARE_ITERATIONS, () => prepareValueFunction(vfDef, NO_LOOKUP));
const vfRun = await cpuPerCall(ITERATIONS, () => runValueFunction(vf, inputs));

// ResourceFunction: first reconcile creates, every later one is a no-op.
const rfDef = loadOne("resource-function.koreo.yaml");
const rf = prepared<PreparedResourceFunction>(prepareResourceFunction(rfDef, NO_LOOKUP));
const cluster = createInMemoryCluster();
const context = { cluster, definitions: NO_LOOKUP, owner };
const rfExpect = field(expect, "resourceFunction");
const first = await runResourceFunction(rf, inputs, context);
assert.deepEqual(first.outcome, { kind: "Retry", delay: 30, message: field(field(rfExpect, "firstReconcile"), "message") });
assert.deepEqual([cluster.calls.counts().get, cluster.calls.counts().create], [1, 1]);
cluster.calls.reset();
const noOp = await runResourceFunction(rf, inputs, context);
assert.deepEqual(noOp.outcome, { kind: "Ok", value: field(field(rfExpect, "noOpReconcile"), "value") });
const rfPrepare = await cpuPerCall(PREPARE_ITERATIONS, () => prepareResourceFunction(rfDef, NO_LOOKUP));
cluster.calls.reset();
const rfRun = await cpuPerCall(ITERATIONS, () => runResourceFunction(rf, inputs, context));
const reconciles = ITERATIONS * 5;
const counts = cluster.calls.counts();
assert.equal(counts.get, reconciles, "exactly one GET per no-op reconcile");
assert.equal(cluster.calls.writes() + counts.discover, 0, "no writes or kind lookups on the no-op path");

const ms = (us: number) => (us / 1000).toFixed(3);
const rows = [
  ["ValueFunction prepare (ms)", ms(vfPrepare), "3.47"],
  ["ValueFunction reconcile (ms CPU)", ms(vfRun), "3.16"],
  ["ResourceFunction prepare (ms)", ms(rfPrepare), "5.16"],
  ["ResourceFunction no-op reconcile (ms CPU)", ms(rfRun), "4.16"],
  ["API calls per no-op reconcile", `${counts.get / reconciles} GET, ${cluster.calls.writes()} writes`, "1 GET, 0 writes"],
];
console.table(
  rows.map(([what, ours, python]) => ({
    workload: what,
    ours,
    "python reference": python,
    "speed-up": Number(ours) > 0 ? `${(Number(python) / Number(ours)).toFixed(0)}x` : "",
  })),
);
