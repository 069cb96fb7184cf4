/**
 * Lambda glue for the timer function. Two event sources: the standard timer
 * queue (SQS batch: forward or re-hold each request, SRV-5) and a schedule
 * (the resync sweep, SRV-7 safety net).
 */
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Env } from "../config/config.ts";
import { lazyRuntime, type RuntimeOverrides } from "./cold-start.ts";
import { maxReceiveCount } from "./reconcile-handler.ts";
import { createSqsBatchHandler } from "./sqs-batch.ts";

export type TimerEvent = SQSEvent | { readonly source?: string; readonly "detail-type"?: string };

export function createTimerHandler(
  env: Env = process.env,
  overrides: RuntimeOverrides = {},
): (event: TimerEvent) => Promise<SQSBatchResponse | { swept: number }> {
  const runtime = lazyRuntime(env, overrides);
  return async (event) => {
    const { runtime: r, metrics } = runtime();
    try {
      if ("Records" in event) {
        return await createSqsBatchHandler(r.timer, { logger: r.logger, metrics, maxReceiveCount: maxReceiveCount(env), fifo: false })(event);
      }
      const swept = await r.sweep();
      r.logger.info("Resync sweep done.", { requeued: swept });
      return { swept };
    } finally {
      metrics.flush();
    }
  };
}
