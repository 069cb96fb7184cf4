/**
 * Composition of the runtime from configuration and a few parts (a cluster, an
 * SQS client): the same wiring serves the Lambda handlers, `npm start` and the
 * tests. Nothing here decides anything; it only connects modules.
 */
import type { ClusterApi, ClusterReader, KubeObject } from "../cluster/index.ts";
import type { RuntimeConfig } from "../config/index.ts";
import type { Registry } from "../definitions/index.ts";
import { createKoreoRegistry } from "../program/index.ts";
import type { Clock } from "../ports/index.ts";
import type { Logger } from "../ports/index.ts";
import { createSqsDeadLetterQueue, createSqsTimerQueue, createSqsWorkQueue, type SqsSender } from "../queue/adapters/index.ts";
import type { TriggerRef } from "../queue/index.ts";
import type { TimerQueue, WorkQueue } from "../queue/index.ts";
import { createDefinitionsSync, type DefinitionsSync } from "../reconciler/index.ts";
import { createRequestReconciler, type RequestReconciler } from "../reconciler/index.ts";
import type { Metrics } from "../ports/index.ts";
import type { RunReconcile } from "../reconciler/index.ts";
import { createTimerForwarder, type TimerForwarder } from "../timers/index.ts";
import { sweep } from "../reconciler/index.ts";
import { boundKinds } from "../workflow/index.ts";
import { reconcileTrigger, type ReconcileReport } from "../workflow/index.ts";
import { selectWorkflow } from "../workflow/index.ts";
import { workflowVersion } from "../workflow/index.ts";
import type { DryRunResult } from "../webhook/index.ts";
import { withDryRun } from "../cluster/adapters/index.ts";

export interface RuntimeParts {
  readonly config: RuntimeConfig;
  readonly cluster: ClusterApi;
  /** CTL-19: where ResourceFunctions act (MANAGED_RESOURCE_*); absent = `cluster`. */
  readonly managedCluster?: ClusterApi;
  readonly sqs: SqsSender;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly random?: () => number;
  /** Wraps the engine call (instrumentation, fault injection in tests). */
  readonly wrapRun?: (run: RunReconcile) => RunReconcile;
  /** Wraps the timer queue (the local stack's `--time-scale`). */
  readonly wrapTimers?: (timers: TimerQueue) => TimerQueue;
}

export interface Runtime {
  readonly registry: Registry;
  readonly definitions: DefinitionsSync;
  readonly work: WorkQueue;
  readonly timers: TimerQueue;
  readonly reconcile: RequestReconciler;
  readonly timer: TimerForwarder;
  readonly sweep: () => Promise<number>;
  readonly dryRun: (trigger: TriggerRef) => Promise<DryRunResult>;
  readonly cluster: ClusterReader;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function composeRuntime(parts: RuntimeParts): Runtime {
  const { config, cluster, clock, logger, metrics } = parts;
  const registry = createKoreoRegistry({ namespaces: unique([...config.koreoNamespaces, ...config.templateNamespaces]) });
  const definitions = createDefinitionsSync({ cluster, registry, clock, logger, ...config, ttlSeconds: config.definitionsTtlSeconds });
  const work = createSqsWorkQueue(parts.sqs, config.workQueueUrl);
  const sqsTimers = createSqsTimerQueue(parts.sqs, config.timerQueueUrl);
  const timers = parts.wrapTimers === undefined ? sqsTimers : parts.wrapTimers(sqsTimers);
  const { work: workDlq, timer: timerDlq } = config.deadLetterQueueUrls;
  const deadLetters = [
    ...(workDlq === undefined ? [] : [createSqsDeadLetterQueue(parts.sqs, workDlq, "work-dlq")]),
    ...(timerDlq === undefined ? [] : [createSqsDeadLetterQueue(parts.sqs, timerDlq, "timer-dlq")]),
  ];
  const engineConfig = { selectionRetrySeconds: config.timings.selectionRetrySeconds };
  const runOn =
    (target: ClusterApi, managed = parts.managedCluster) =>
    (trigger: TriggerRef, current?: KubeObject) =>
      reconcileTrigger(
        trigger,
        { cluster: target, ...(managed === undefined ? {} : { managedCluster: managed }), definitions: registry, clock, logger, config: engineConfig },
        current,
      );
  const reconcile = createRequestReconciler({
    cluster,
    timers,
    clock,
    logger,
    metrics,
    run: parts.wrapRun === undefined ? runOn(cluster) : parts.wrapRun(runOn(cluster)),
    random: parts.random ?? Math.random,
    timings: config.timings,
    refreshDefinitions: (changed) => definitions.refresh(changed),
    workflowVersionOf: (trigger) => {
      const selected = selectWorkflow(trigger, registry);
      return selected.ok ? workflowVersion(selected.name, registry) : undefined;
    },
  });
  return {
    registry,
    definitions,
    work,
    timers,
    reconcile,
    cluster,
    logger,
    metrics,
    timer: createTimerForwarder({ work, timers, clock, metrics }),
    sweep: async () => {
      await definitions.refresh(false);
      return sweep({
        cluster,
        work,
        clock,
        logger,
        namespaces: config.resourceNamespaces,
        metrics,
        deadLetters,
        boundKinds: async () => boundKinds(registry),
      });
    },
    dryRun: async (trigger) => {
      await definitions.refresh(false);
      const recorder = withDryRun(cluster, { clock });
      const managed = parts.managedCluster === undefined ? undefined : withDryRun(parts.managedCluster, { clock });
      const report: ReconcileReport = await runOn(recorder, managed)(trigger);
      return { report, writes: [...(managed?.writes() ?? []), ...recorder.writes()] };
    },
  };
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
