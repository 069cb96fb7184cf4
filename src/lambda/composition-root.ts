/**
 * Composition of the runtime from configuration and a few parts (a cluster, an
 * SQS client): the same wiring serves the Lambda handlers, `npm start` and the
 * tests. Nothing here decides anything; it only connects modules.
 *
 * The engine (definitions, CEL, schemas, workflows: most of a handler's cold
 * import) is loaded on the first call that needs it, not when a handler module
 * loads: the timer function's forwarding and the webhook's health check never
 * need it, and a reconcile pays the same once, on its first request.
 */
import type { ClusterApi, ClusterReader, KubeObject } from "../cluster/index.ts";
import type { RuntimeConfig } from "../config/index.ts";
import type { Clock } from "../ports/index.ts";
import type { Logger } from "../ports/index.ts";
import { createSqsDeadLetterQueue, createSqsTimerQueue, createSqsWorkQueue, type SqsApi } from "../queue/adapters/index.ts";
import type { DeadLetterQueue, TriggerRef } from "../queue/index.ts";
import type { TimerQueue, WorkQueue } from "../queue/index.ts";
import type { DefinitionsSync, RequestReconciler } from "../reconciler/index.ts";
import type { Metrics } from "../ports/index.ts";
import type { RunReconcile } from "../reconciler/index.ts";
import { createTimerForwarder, type TimerForwarder } from "../timers/index.ts";
import type { Alongside, ReconcileReport } from "../workflow/index.ts";
import type { DryRunResult } from "../webhook/index.ts";
import { withDryRun } from "../cluster/adapters/index.ts";

export interface RuntimeParts {
  readonly config: RuntimeConfig;
  readonly cluster: ClusterApi;
  /** CTL-19: where ResourceFunctions act (MANAGED_RESOURCE_*); absent = `cluster`. */
  readonly managedCluster?: ClusterApi;
  readonly sqs: SqsApi;
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
  const work = createSqsWorkQueue(parts.sqs, config.workQueueUrl);
  const sqsTimers = createSqsTimerQueue(parts.sqs, config.timerQueueUrl);
  const timers = parts.wrapTimers === undefined ? sqsTimers : parts.wrapTimers(sqsTimers);
  const { work: workDlq, timer: timerDlq } = config.deadLetterQueueUrls;
  const deadLetters = [
    ...(workDlq === undefined ? [] : [createSqsDeadLetterQueue(parts.sqs, workDlq, "work-dlq")]),
    ...(timerDlq === undefined ? [] : [createSqsDeadLetterQueue(parts.sqs, timerDlq, "timer-dlq")]),
  ];
  let loading: Promise<Engine> | undefined;
  const engine = () => (loading ??= composeEngine(parts, { work, timers, deadLetters }));
  return {
    definitions: { refresh: async (changed) => (await engine()).definitions.refresh(changed) },
    work,
    timers,
    reconcile: async (request, log) => (await engine()).reconcile(request, log),
    cluster,
    logger,
    metrics,
    timer: createTimerForwarder({ work, timers, clock, metrics }),
    sweep: async () => (await engine()).sweep(),
    dryRun: async (trigger) => (await engine()).dryRun(trigger),
  };
}

type Engine = Pick<Runtime, "definitions" | "reconcile" | "sweep" | "dryRun">;

interface Queues {
  readonly work: WorkQueue;
  readonly timers: TimerQueue;
  readonly deadLetters: readonly DeadLetterQueue[];
}

/** The engine's wiring, its modules imported on first use (see the header). */
async function composeEngine(parts: RuntimeParts, queues: Queues): Promise<Engine> {
  const [program, reconciler, workflow] = await Promise.all([import("../program/index.ts"), import("../reconciler/index.ts"), import("../workflow/index.ts")]);
  const { config, cluster, clock, logger, metrics } = parts;
  const registry = program.createKoreoRegistry({ namespaces: unique([...config.koreoNamespaces, ...config.templateNamespaces]) });
  const definitions = reconciler.createDefinitionsSync({ cluster, registry, clock, logger, ...config, ttlSeconds: config.definitionsTtlSeconds });
  const engineConfig = { selectionRetrySeconds: config.timings.selectionRetrySeconds };
  const runOn =
    (target: ClusterApi, managed = parts.managedCluster) =>
    (trigger: TriggerRef, current?: KubeObject, alongside?: Alongside, log: Logger = logger) =>
      workflow.reconcileTrigger(
        trigger,
        { cluster: target, ...(managed === undefined ? {} : { managedCluster: managed }), definitions: registry, clock, logger: log, config: engineConfig },
        current,
        alongside,
      );
  const reconcile: RequestReconciler = reconciler.createRequestReconciler({
    cluster,
    timers: queues.timers,
    clock,
    logger,
    metrics,
    run: parts.wrapRun === undefined ? runOn(cluster) : parts.wrapRun(runOn(cluster)),
    random: parts.random ?? Math.random,
    timings: config.timings,
    refreshDefinitions: (changed) => definitions.refresh(changed),
    workflowVersionOf: (trigger) => {
      const selected = workflow.selectWorkflow(trigger, registry);
      return selected.ok ? workflow.workflowVersion(selected.name, registry) : undefined;
    },
  });
  return {
    definitions,
    reconcile,
    sweep: async () => {
      await definitions.refresh(false);
      return reconciler.sweep({
        cluster,
        work: queues.work,
        clock,
        logger,
        namespaces: config.resourceNamespaces,
        metrics,
        deadLetters: queues.deadLetters,
        boundKinds: async () => workflow.boundKinds(registry),
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
