/**
 * Lambda glue for the timer function. Two event sources: the standard timer
 * queue (SQS batch: forward or re-hold each request, SRV-5) and a schedule
 * (the resync sweep, SRV-7 safety net).
 */
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Env } from "../config/index.ts";
import { lazyRuntime, type LambdaRuntime, type RuntimeOverrides } from "./cold-start.ts";
import { createTracer, withInvocation } from "./observability.ts";
import { lazyBatchHandler } from "./reconcile-handler.ts";

export type TimerEvent = SQSEvent | { readonly source?: string; readonly "detail-type"?: string };

export function createTimerHandler(
  env: Env = process.env,
  overrides: RuntimeOverrides = {},
): (event: TimerEvent, context?: Context) => Promise<SQSBatchResponse | { swept: number }> {
  const runtime = lazyRuntime(env, overrides);
  const tracer = createTracer(env);
  const batch = lazyBatchHandler("timer", (r) => r.runtime.timer);
  return async (event, context) => {
    const lambda = runtime();
    const invocation = { name: "timer", logger: lambda.runtime.logger, metrics: lambda.metrics, tracer, context };
    return withInvocation<SQSBatchResponse | { swept: number }>(invocation, () => ("Records" in event ? batch(lambda)(event, context) : sweep(lambda)));
  };
}

async function sweep(lambda: LambdaRuntime): Promise<{ swept: number }> {
  const swept = await lambda.runtime.sweep();
  lambda.runtime.logger.info("Resync sweep done.", { requeued: swept });
  return { swept };
}
