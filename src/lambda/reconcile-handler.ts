/** Lambda glue for the FIFO work queue: SQS batch → reconciler → batchItemFailures. */
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Env } from "../config/config.ts";
import { lazyRuntime, type RuntimeOverrides } from "./cold-start.ts";
import { createSqsBatchHandler } from "./sqs-batch.ts";

export function createReconcileHandler(env: Env = process.env, overrides: RuntimeOverrides = {}): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const runtime = lazyRuntime(env, overrides);
  return async (event) => {
    const { runtime: r, metrics } = runtime();
    const handle = createSqsBatchHandler(r.reconcile, { logger: r.logger, metrics, maxReceiveCount: maxReceiveCount(env), fifo: true });
    try {
      return await handle(event);
    } finally {
      metrics.flush();
    }
  };
}

/** Must match the queue's RedrivePolicy (serverless.yml passes the same parameter to both). */
export function maxReceiveCount(env: Env): number {
  return Number(env.KOREO_MAX_RECEIVE_COUNT ?? "5");
}
