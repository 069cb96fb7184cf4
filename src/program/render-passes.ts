import { metadataOf } from "../cluster/index.ts";
import type { ClusterApi, KubeObject, ObjectRef } from "../cluster/index.ts";
import type { Clock } from "../ports/index.ts";
import { silentLogger } from "../ports/index.ts";
import { isMap } from "../value/index.ts";
import { reconcileTrigger, type ReconcileConfig, type ReconcileReport, type WorkflowCatalog } from "../workflow/index.ts";

/** The cluster `koreo render` runs against: readable in full so changes can be shown. */
export interface InspectableCluster extends ClusterApi {
  all(): KubeObject[];
}

export interface RenderPass {
  readonly report: ReconcileReport;
  /** When the controller would run the trigger again; absent: not until something changes. */
  readonly nextDueSeconds?: number;
  /** The trigger as stored after the pass (absent when it is gone). */
  readonly trigger?: KubeObject;
  /** Objects other than the trigger created or changed by the pass. */
  readonly objects: readonly KubeObject[];
}

export interface RenderOptions {
  readonly cluster: InspectableCluster;
  readonly definitions: WorkflowCatalog;
  /** Advanced between passes by the due delay: time passes logically, nobody sleeps. */
  readonly clock: Clock & { advance(byMs: number): void };
  readonly trigger: ObjectRef;
  /** Exactly this many passes; by default until Ok/Skip/DepSkip/PermFail, at most 10. */
  readonly passes?: number;
  readonly config?: Partial<ReconcileConfig>;
  /** When the controller would run again after a report: the runtime's own decision (reconciler/decide.ts), passed in. */
  readonly nextDueSeconds: (report: ReconcileReport) => number | undefined;
}

const DEFAULT_MAX_PASSES = 10;

/** `koreo render`: reconciles of one trigger, as the controller would run them over time. */
export async function renderPasses(options: RenderOptions): Promise<RenderPass[]> {
  const passes: RenderPass[] = [];
  const limit = options.passes ?? DEFAULT_MAX_PASSES;
  const deps = {
    cluster: options.cluster,
    definitions: options.definitions,
    clock: options.clock,
    logger: silentLogger,
    ...(options.config && { config: options.config }),
  };
  for (let i = 0; i < limit; i++) {
    const before = versions(options.cluster.all());
    const report = await reconcileTrigger(options.trigger, deps);
    const nextDueSeconds = options.nextDueSeconds(report);
    passes.push(snapshot(report, nextDueSeconds, options, before));
    if (report.status !== "reconciled" && report.status !== "selection-error") break;
    if (options.passes === undefined && isSettled(report)) break;
    options.clock.advance((nextDueSeconds ?? 0) * 1000);
  }
  return passes;
}

function isSettled(report: ReconcileReport): boolean {
  return report.outcome.kind !== "Retry";
}

function snapshot(report: ReconcileReport, nextDueSeconds: number | undefined, options: RenderOptions, before: Map<string, string>): RenderPass {
  const all = options.cluster.all();
  const isTrigger = (o: KubeObject) =>
    keyOf(o) ===
    keyOf({
      apiVersion: options.trigger.apiVersion,
      kind: options.trigger.kind,
      metadata: { name: options.trigger.name, namespace: options.trigger.namespace ?? null },
    });
  const trigger = all.find(isTrigger);
  const objects = all.filter((o) => !isTrigger(o) && before.get(keyOf(o)) !== resourceVersion(o));
  return { report, objects, ...(trigger && { trigger }), ...(nextDueSeconds !== undefined && { nextDueSeconds }) };
}

function versions(objects: readonly KubeObject[]): Map<string, string> {
  return new Map(objects.map((o) => [keyOf(o), resourceVersion(o)]));
}

function keyOf(object: KubeObject): string {
  const metadata = metadataOf(object);
  return `${String(object.apiVersion)}/${String(object.kind)}/${String(metadata.namespace ?? "")}/${String(metadata.name)}`;
}

function resourceVersion(object: KubeObject): string {
  const metadata = metadataOf(object);
  return String(metadata.resourceVersion ?? "");
}
