/**
 * Composition of the runtime from configuration and a few parts (a cluster, an
 * SQS client): the same wiring serves the Lambda handlers, `npm start` and the
 * tests. Nothing here decides anything; it only connects modules.
 */
import type { ClusterApi, ClusterReader, KubeObject } from "../cluster/cluster-api.ts";
import type { RuntimeConfig } from "../config/config.ts";
import type { Registry } from "../definitions/registry.ts";
import { createKoreoRegistry } from "../program/registry.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import { createSqsDeadLetterQueue, createSqsTimerQueue, createSqsWorkQueue, type SqsSender } from "../queue/adapters/sqs.ts";
import type { TriggerRef } from "../queue/messages.ts";
import type { TimerQueue, WorkQueue } from "../queue/queue.ts";
import { createDefinitionsSync, type DefinitionsSync } from "../reconciler/definitions-sync.ts";
import { createRequestReconciler, type RequestReconciler } from "../reconciler/reconcile-request.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { RunReconcile } from "../reconciler/engine-port.ts";
import { createTimerForwarder, type TimerForwarder } from "../timers/forwarder.ts";
import { sweep } from "../reconciler/sweep.ts";
import { boundKinds } from "../workflow/catalog.ts";
import { reconcileTrigger, type ReconcileReport } from "../workflow/reconcile-trigger.ts";
import { selectWorkflow } from "../workflow/select-workflow.ts";
import { workflowVersion } from "../workflow/workflow-version.ts";
import type { DryRunResult } from "../webhook/app.ts";
import { withDryRun } from "../cluster/adapters/dry-run.ts";

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
