/** Lambda glue for the FIFO work queue: SQS batch → reconciler → batchItemFailures. */
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Env } from "../config/index.ts";
import { lazyRuntime, type LambdaRuntime, type RuntimeOverrides } from "./cold-start.ts";
import { createTracer, withInvocation } from "./observability.ts";
import { batchSettingsFromEnv, createSqsBatchHandler, reportMissingQueue, sqsVisibility, type RequestHandler, type SqsBatchHandler } from "./sqs-batch.ts";

export function createReconcileHandler(
  env: Env = process.env,
  overrides: RuntimeOverrides = {},
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  const runtime = lazyRuntime(env, overrides);
  const tracer = createTracer(env); // at module load: the Lambda init phase, not the first request
  const batch = lazyBatchHandler("work", (r) => r.runtime.reconcile);
  return async (event, context) => {
    const lambda = runtime();
    const invocation = { name: "reconcile", logger: lambda.runtime.logger, metrics: lambda.metrics, tracer, context };
    return withInvocation(invocation, () => batch(lambda)(event, context));
  };
}

/** Must match the queue's RedrivePolicy (serverless.yml passes the same parameter to both). */
export function maxReceiveCount(env: Env): number {
  return Number(env.KOREO_MAX_RECEIVE_COUNT ?? "10");
}

/** The batch handler of one queue, built once per container (with its SQS client) on first use. */
export function lazyBatchHandler(queue: "work" | "timer", handlerOf: (lambda: LambdaRuntime) => RequestHandler): (lambda: LambdaRuntime) => SqsBatchHandler {
  let cached: SqsBatchHandler | undefined;
  return (lambda) => (cached ??= batchHandlerFor(lambda, queue, handlerOf(lambda)));
}

function batchHandlerFor(lambda: LambdaRuntime, queue: "work" | "timer", handle: RequestHandler): SqsBatchHandler {
  const { config, env, metrics } = lambda;
  const logger = lambda.runtime.logger;
  const queueUrl = queue === "work" ? config.workQueueUrl : config.timerQueueUrl;
  // Without a queue URL there is nothing to call: failed records wait for the visibility timeout.
  const changeVisibility = queueUrl === "" ? undefined : sqsVisibility(lambda.sqs, queueUrl, logger);
  // A reconcile's only SQS send is its timer: a missing timer queue is one ERROR naming it, not a WARN per record.
  const guarded = queue === "work" ? reportMissingQueue(handle, config.timerQueueUrl, logger, metrics) : handle;
  return createSqsBatchHandler(guarded, {
    logger,
    metrics,
    maxReceiveCount: maxReceiveCount(env),
    fifo: queue === "work",
    ...batchSettingsFromEnv(env, config, queue),
    ...(changeVisibility === undefined ? {} : { changeVisibility }),
  });
}
