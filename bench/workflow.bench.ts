/**
 * Workflow prepare and reconcile CPU, on the shared reference workload
 * (/work/shared/bench/workflow.koreo.yaml, expected values checked first) and on
 * larger Workflows against the in-memory cluster; then API calls per no-op reconcile.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { createInMemoryCluster } from "../src/cluster/adapters/in-memory.ts";
import { withCallCounting } from "../src/cluster/adapters/counting.ts";
import type { KubeObject } from "../src/cluster/cluster-api.ts";
import { loadText } from "../src/definitions/load.ts";
import { createKoreoRegistry } from "../src/program/index.ts";
import { fixedClock } from "../src/ports/clock.ts";
import { silentLogger } from "../src/ports/logger.ts";
import { fromPlain, toJsonText, type ValueMap } from "../src/value/value.ts";
import { prepareWorkflow, reconcileTrigger, runWorkflow, realTimer, type PreparedWorkflow, type ReconcileReport } from "../src/workflow/index.ts";

const SHARED = "/work/shared/bench";
const PYTHON = { prepareMs: 4.54, reconcileMs: 16.75 };

function cpuMs(fn: () => void | Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  return Promise.resolve(fn()).then(() => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  });
}

async function median(iterations: number, fn: () => void | Promise<void>): Promise<number> {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push(await cpuMs(fn));
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

function registryOf(yaml: string) {
  const loaded = loadText(yaml, "bench.yaml");
  if (loaded.problems.some((p) => p.severity === "error")) throw new Error(JSON.stringify(loaded.problems));
  const registry = createKoreoRegistry();
  for (const d of loaded.definitions) registry.upsert(d);
  return { registry, definitions: loaded.definitions };
}

const rows: string[][] = [];

/** The reference workload: 15 ValueFunction steps, 10 chained. */
async function sharedWorkload(): Promise<void> {
  const yaml = readFileSync(`${SHARED}/workflow.koreo.yaml`, "utf8");
  const inputs = parse(readFileSync(`${SHARED}/bench-inputs.yaml`, "utf8")) as { trigger: unknown; expect: { workflow: { state: unknown } } };
  const { registry, definitions } = registryOf(yaml);
  const definition = definitions.find((d) => d.kind === "Workflow")!;
  const entry = registry.get("Workflow", "bench-workflow-15")!;
  const workflow = (entry.prepared as { value: PreparedWorkflow }).value;
  const trigger = fromPlain(inputs.trigger) as ValueMap;
  const parent = { metadata: trigger.metadata ?? null, spec: trigger.spec ?? null, state: null };
  const cluster = withCallCounting(createInMemoryCluster());
  const options = { cluster, definitions: registry, budget: { ms: 10_000, timer: realTimer } };
  const run = await runWorkflow(workflow, parent, options);
  const expected = toJsonText(fromPlain(inputs.expect.workflow.state));
  const got = toJsonText(fromPlain(JSON.parse(toJsonText(run.state))));
  const sorted = (text: string) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text)).sort()));
  if (run.outcome.kind !== "Ok" || sorted(got) !== sorted(expected)) throw new Error(`bench workflow: expected Ok ${expected}, got ${run.outcome.kind} ${got}`);
  if (cluster.calls.total() !== 0) throw new Error("bench workflow: expected 0 API calls");
  const prepareMs = await median(200, () => void prepareWorkflow(definition, registry));
  const runMs = await median(200, async () => void (await runWorkflow(workflow, parent, options)));
  rows.push(["shared 15-step prepare", prepareMs.toFixed(3), PYTHON.prepareMs.toFixed(2), (PYTHON.prepareMs / prepareMs).toFixed(1) + "x"]);
  rows.push(["shared 15-step run (0 API calls)", runMs.toFixed(3), PYTHON.reconcileMs.toFixed(2), (PYTHON.reconcileMs / runMs).toFixed(1) + "x"]);
}

const CRD = "crdRef: {apiGroup: acme.example.com, version: v1, kind: App}";
const VF = `apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata: {name: step-vf, namespace: b}
spec:
  locals:
    next: =inputs.n + 1
  return:
    n: =locals.next
    label: '="item-" + string(inputs.n)'
---
apiVersion: koreo.dev/v1beta1
kind: ResourceFunction
metadata: {name: step-cm, namespace: b}
spec:
  apiConfig: {apiVersion: v1, kind: ConfigMap, plural: configmaps, name: =inputs.name, namespace: =inputs.namespace}
  resource:
    data: {n: =string(inputs.n)}
  return: {name: =resource.metadata.name}
---
`;

/**
 * Ten steps: even steps chain a ValueFunction (each reads the previous even step's `n`),
 * each odd step writes a ConfigMap from the even step before it.
 */
function tenSteps(name: string, crd: boolean, prefix: string): string {
  const steps: string[] = [];
  for (let i = 0; i < 10; i++) {
    if (i % 2 === 0) {
      const n = i === 0 ? "=parent.spec.n" : `=steps.step${i - 2}.n`;
      steps.push(`    - label: step${i}\n      ref: {kind: ValueFunction, name: step-vf}\n      inputs: {n: '${n}'}`);
    } else {
      steps.push(
        `    - label: step${i}\n      ref: {kind: ResourceFunction, name: step-cm}\n      inputs: {n: '=steps.step${i - 1}.n', name: '${prefix}-${i}', namespace: b}\n      state: {cm${i}: =value.name}`,
      );
    }
  }
  return `apiVersion: koreo.dev/v1beta1\nkind: Workflow\nmetadata: {name: ${name}, namespace: b}\nspec:\n${crd ? `  ${CRD}\n` : ""}  steps:\n${steps.join("\n")}\n---\n`;
}

function fiftySteps(): string {
  const subs = [0, 1, 2, 3, 4].map((i) => tenSteps(`sub${i}`, false, `sub${i}`).replace("=parent.spec.n", "=parent.n"));
  const calls = [0, 1, 2, 3, 4].map((i) => `    - label: sub${i}\n      ref: {kind: Workflow, name: sub${i}}\n      inputs: {n: =parent.spec.n}`);
  calls.push(
    `    - label: each\n      ref: {kind: ValueFunction, name: step-vf}\n      forEach: {itemIn: '=parent.spec.items', inputKey: n}\n      state: {count: =value.size()}`,
  );
  return (
    subs.join("") + `apiVersion: koreo.dev/v1beta1\nkind: Workflow\nmetadata: {name: big, namespace: b}\nspec:\n  ${CRD}\n  steps:\n${calls.join("\n")}\n---\n`
  );
}

async function clusterWorkload(label: string, yaml: string, workflowName: string, managed: number): Promise<void> {
  const { registry, definitions } = registryOf(VF + yaml);
  const definition = definitions.find((d) => d.kind === "Workflow" && d.name === workflowName)!;
  const clock = fixedClock(Date.UTC(2025, 0, 1));
  const inner = createInMemoryCluster({ clock });
  inner.registerKind({ apiVersion: "acme.example.com/v1", kind: "App", plural: "apps", namespaced: true, hasStatus: false });
  const items = Array.from({ length: 100 }, (_, i) => i);
  inner.seed([fromPlain({ apiVersion: "v1", kind: "Namespace", metadata: { name: "b" } }) as KubeObject]);
  inner.seed([
    fromPlain({ apiVersion: "acme.example.com/v1", kind: "App", metadata: { name: "app", namespace: "b", uid: "u-1" }, spec: { n: 1, items } }) as KubeObject,
  ]);
  const cluster = withCallCounting(inner);
  const ref = { apiVersion: "acme.example.com/v1", kind: "App", namespace: "b", name: "app" };
  const deps = { cluster, definitions: registry, clock, logger: silentLogger };
  let report: ReconcileReport | undefined;
  for (let i = 0; i < 5 && report?.outcome.kind !== "Ok"; i++) report = await reconcileTrigger(ref, deps);
  if (report?.outcome.kind !== "Ok") throw new Error(`${label}: did not converge: ${JSON.stringify(report?.outcome)}`);
  await reconcileTrigger(ref, deps);
  cluster.calls.reset();
  const noop = await reconcileTrigger(ref, deps);
  const counts = cluster.calls.counts();
  const writes = cluster.calls.writes();
  const others = cluster.calls.total() - counts.get;
  if (noop.patch !== undefined || cluster.calls.writes() !== 0) throw new Error(`${label}: no-op reconcile wrote`);
  const prepareMs = await median(100, () => void prepareWorkflow(definition, registry));
  const reconcileMs = await median(100, async () => void (await reconcileTrigger(ref, deps)));
  rows.push([`${label} prepare (top-level Workflow)`, prepareMs.toFixed(3), "", ""]);
  rows.push([
    `${label} no-op reconcile`,
    reconcileMs.toFixed(3),
    "",
    `GET ${counts.get} (1 trigger + ${managed} managed), writes ${writes}, other calls ${others}`,
  ]);
}

await sharedWorkload();
await clusterWorkload("10-step (5 VF + 5 ConfigMaps)", tenSteps("ten", true, "ten"), "ten", 5);
await clusterWorkload("50-step (5 sub-Workflows x 10) + forEach x100", fiftySteps(), "big", 25);

const header = ["workload", "ms CPU (median)", "Python ms", "ratio / notes"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
for (const row of [header, ...rows]) console.log(row.map((c, i) => (c ?? "").padEnd(widths[i] ?? 0)).join("  "));
