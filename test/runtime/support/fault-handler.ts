/**
 * A reconcile "container" in its own process for the fault tests (test/runtime/faults.test.ts):
 * the runtime the Lambda handlers compose (composition-root.ts), behind the Lambda batch glue
 * (sqs-batch.ts: partial batch responses, early return of failed records, the record start
 * allowance from the reconcile budget), fed by the local event-source stand-in (local/poller.ts)
 * with the deployed batch size and function timeout. The test SIGKILLs it like a dying container.
 *
 * Settings come from the environment as on Lambda (KOREO_*, KUBE_SERVER, SQS_ENDPOINT), plus
 * KOREO_WORK_QUEUE_ARN / KOREO_TIMER_QUEUE_ARN, KOREO_BATCH_SIZE and KOREO_FUNCTION_TIMEOUT_MS,
 * which on AWS belong to the event source mapping and the function. Warnings and errors go to
 * stderr as JSON lines; "ready" on stdout once both pollers run.
 */
import { SQS } from "@aws-sdk/client-sqs";
import { createClientNodeCluster } from "../../../src/cluster/adapters/client-node.ts";
import { explicitKubeAccess } from "../../../src/cluster/adapters/kube-access.ts";
import { configFromEnv } from "../../../src/config/config.ts";
import { composeRuntime } from "../../../src/lambda/composition-root.ts";
import { maxReceiveCount } from "../../../src/lambda/reconcile-handler.ts";
import { batchSettingsFromEnv, createSqsBatchHandler, sqsVisibility } from "../../../src/lambda/sqs-batch.ts";
import { startPoller } from "../../../src/local/poller.ts";
import { systemClock } from "../../../src/ports/clock.ts";
import type { Logger, LogFields } from "../../../src/ports/logger.ts";
import { noMetrics } from "../../../src/ports/metrics.ts";

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (value === undefined || value === "") throw new Error(`${name} is required`);
  return value;
};

const line =
  (level: string, base: LogFields): ((message: string, fields?: LogFields) => void) =>
  (message, fields) =>
    process.stderr.write(`${JSON.stringify({ level, message, ...base, ...fields })}\n`);
function stderrLogger(base: LogFields = {}): Logger {
  return { debug() {}, info() {}, warn: line("WARN", base), error: line("ERROR", base), child: (fields) => stderrLogger({ ...base, ...fields }) };
}

const config = configFromEnv(env);
const logger = stderrLogger();
const client = new SQS({ endpoint: required("SQS_ENDPOINT"), region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
const runtime = composeRuntime({
  config,
  cluster: createClientNodeCluster(explicitKubeAccess(required("KUBE_SERVER"))),
  sqs: client,
  clock: systemClock,
  logger,
  metrics: noMetrics,
});
const common = { logger, metrics: noMetrics, maxReceiveCount: maxReceiveCount(env) };
const work = createSqsBatchHandler(runtime.reconcile, {
  ...common,
  fifo: true,
  ...batchSettingsFromEnv(env, config, "work"),
  changeVisibility: sqsVisibility(client, config.workQueueUrl, logger),
});
const timer = createSqsBatchHandler(runtime.timer, {
  ...common,
  fifo: false,
  ...batchSettingsFromEnv(env, config, "timer"),
  changeVisibility: sqsVisibility(client, config.timerQueueUrl, logger),
});
const functionTimeoutMs = Number(required("KOREO_FUNCTION_TIMEOUT_MS"));
const onError = (error: unknown) => logger.warn("Poller error.", { error: error instanceof Error ? error.message : String(error) });
startPoller({
  client,
  queueUrl: config.workQueueUrl,
  queueArn: required("KOREO_WORK_QUEUE_ARN"),
  handler: work,
  batchSize: Number(required("KOREO_BATCH_SIZE")),
  functionTimeoutMs,
  onError,
});
startPoller({ client, queueUrl: config.timerQueueUrl, queueArn: required("KOREO_TIMER_QUEUE_ARN"), handler: timer, batchSize: 10, functionTimeoutMs, onError });
process.stdout.write("ready\n");
