/**
 * `koreo plan`, against the live cluster with reads only: list the triggers of the affected
 * kinds, and run each affected one twice — current definitions, then changed — on a dry-run
 * wrapper of the cluster that records writes instead of sending them (as the webhook's
 * dry-run route does). Both runs see the same clock, so only the definitions differ.
 */
import { type ClusterApi, type KindRef, type KubeObject, type ObjectRef } from "../cluster/index.ts";
import { withDryRun } from "../cluster/adapters/index.ts";
import type { Clock } from "../ports/index.ts";
import { silentLogger } from "../ports/index.ts";
import { isMap, type Value } from "../value/index.ts";
import { reconcileTrigger, selectWorkflow, type ReconcileReport, type WorkflowCatalog } from "../workflow/index.ts";
import { diffWrites, objectLabel, type PlannedWrite, type WriteChange } from "./plan-diff.ts";
import { readOnceCluster } from "./plan-reads.ts";
import { affectedKinds, isAffected, type PlanRegistries } from "./plan-overlay.ts";

export interface RunSummary {
  readonly status: ReconcileReport["status"];
  readonly outcome: ReconcileReport["outcome"]["kind"];
  readonly message?: string;
  readonly workflow?: string;
}

export interface TriggerPlan {
  readonly trigger: ObjectRef;
  readonly before: RunSummary;
  readonly after: RunSummary;
  readonly writes: readonly WriteChange[];
  /** A dry run that could not complete (the trigger or an object could not be read). */
  readonly error?: string;
}

export interface PlanRunOptions {
  readonly cluster: ClusterApi;
  readonly registries: PlanRegistries;
  readonly workflows: ReadonlySet<string>;
  /** undefined: every namespace. */
  readonly namespace: string | undefined;
  readonly clock: Clock;
  readonly concurrency: number;
  /** Called once the affected triggers are known, then after each one is planned. */
  readonly onProgress?: (done: number, total: number) => void;
}

export type PlanRunResult = { readonly ok: true; readonly triggers: readonly TriggerPlan[] } | { readonly ok: false; readonly error: string };

export async function runPlan(options: PlanRunOptions): Promise<PlanRunResult> {
  const listed = await listTriggers(options.cluster, affectedKinds(options.registries, options.workflows), options.namespace);
  if (typeof listed === "string") return { ok: false, error: listed };
  const triggers = listed.filter((t) => isAffected(t, options.registries, options.workflows)).sort(byIdentity);
  options.onProgress?.(0, triggers.length);
  const planned = await mapBounded(
    triggers,
    options.concurrency,
    (t) => planTrigger(t, options),
    (done) => options.onProgress?.(done, triggers.length),
  );
  return { ok: true, triggers: planned };
}

/** Every object of the kinds, stamped with apiVersion and kind (list items may omit them). */
async function listTriggers(cluster: ClusterApi, kinds: readonly KindRef[], namespace: string | undefined): Promise<KubeObject[] | string> {
  const out: KubeObject[] = [];
  for (const kind of kinds) {
    const listed = await cluster.list(kind.apiVersion, kind.kind, { namespace: namespace ?? "" });
    // A kind the server does not serve has no triggers.
    if (!listed.ok && listed.error.reason === "NotFound") continue;
    if (!listed.ok) return `cannot list ${kind.kind} (${kind.apiVersion}) in ${namespace ?? "all namespaces"}: ${listed.error.message}`;
    out.push(...listed.value.items.map((item) => ({ ...item, apiVersion: kind.apiVersion, kind: kind.kind })));
  }
  return out;
}

interface DryRun {
  readonly report: ReconcileReport;
  readonly writes: readonly PlannedWrite[];
}

async function planTrigger(trigger: KubeObject, options: PlanRunOptions): Promise<TriggerPlan> {
  const ref = refOfTrigger(trigger);
  const reads = readOnceCluster(options.cluster, [trigger]);
  const before = await dryRun(ref, trigger, options.registries.before, reads, options.clock);
  const after = await dryRun(ref, trigger, options.registries.after, reads, options.clock);
  const live = await liveObjects(reads, before.writes, after.writes);
  const error = before.report.error ?? after.report.error;
  return {
    trigger: ref,
    before: summary(before.report, trigger, options.registries.before),
    after: summary(after.report, trigger, options.registries.after),
    writes: diffWrites(before.writes, after.writes, (r) => live.get(objectLabel(r))),
    ...(error !== undefined && { error }),
  };
}

async function dryRun(ref: ObjectRef, trigger: KubeObject, definitions: WorkflowCatalog, cluster: ClusterApi, clock: Clock): Promise<DryRun> {
  const recorder = withDryRun(cluster, { clock });
  const deps = { cluster: recorder, definitions, clock, logger: silentLogger };
  const report = await reconcileTrigger(ref, deps, trigger);
  return { report, writes: recorder.writes() };
}

/**
 * The live objects that only the changed definitions would patch, so the plan can say what
 * each field is now (the dry runs have usually read them already: `cluster` reads once).
 */
async function liveObjects(cluster: ClusterApi, before: readonly PlannedWrite[], after: readonly PlannedWrite[]): Promise<Map<string, Value>> {
  const sentBefore = new Set(before.map((w) => objectLabel(w.ref)));
  const patched = after.filter((w) => (w.verb === "mergePatch" || w.verb === "apply") && !sentBefore.has(objectLabel(w.ref)));
  const live = new Map<string, Value>();
  for (const write of patched) {
    const label = objectLabel(write.ref);
    if (live.has(label)) continue;
    const got = await cluster.get(write.ref);
    if (got.ok) live.set(label, got.value);
  }
  return live;
}

function summary(report: ReconcileReport, trigger: KubeObject, definitions: WorkflowCatalog): RunSummary {
  const outcome = report.outcome;
  const message = outcome.kind === "Ok" ? undefined : outcome.message;
  const workflow = report.workflow ?? selectWorkflow(trigger, definitions).name;
  return {
    status: report.status,
    outcome: outcome.kind,
    ...(message !== undefined && { message }),
    ...(workflow !== undefined && { workflow }),
  };
}

function refOfTrigger(trigger: KubeObject): ObjectRef {
  const metadata = isMap(trigger.metadata) ? trigger.metadata : {};
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
  return { apiVersion: String(trigger.apiVersion), kind: String(trigger.kind), name: String(metadata.name), ...(namespace !== undefined && { namespace }) };
}

function byIdentity(a: KubeObject, b: KubeObject): number {
  return objectLabel(refOfTrigger(a)).localeCompare(objectLabel(refOfTrigger(b)));
}

/** `fn` over `items`, at most `limit` at a time, results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>, onDone: (done: number) => void): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      out[i] = await fn(items[i] as T);
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
