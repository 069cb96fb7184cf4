/**
 * A stuck state in the handlers is an ERROR, not a stream of WARNs (SRV-13, SRV-5): the reconcile
 * handler's batch glue (as reconcile-handler.ts wires it) over the embedded API server and fauxqs,
 * with KOREO_TIMER_QUEUE_URL naming a queue that does not exist. Every reconcile fails when it
 * arms its timer; the container logs one ERROR naming the queue, not a WARN per record, and the
 * records still fail (SQS redelivers them, the DLQ and its alarm follow).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { SQS } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { startApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { explicitKubeAccess } from "../../src/cluster/adapters/kube-access.ts";
import { configFromEnv } from "../../src/config/config.ts";
import { composeRuntime } from "../../src/lambda/composition-root.ts";
import { createSqsBatchHandler, reportMissingQueue } from "../../src/lambda/sqs-batch.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { toRecord } from "../../src/local/poller.ts";
import { startLocalSqs } from "../../src/local/sqs.ts";
import { systemClock } from "../../src/ports/clock.ts";
import type { Logger, LogFields } from "../../src/ports/logger.ts";
import { noMetrics, type Metrics } from "../../src/ports/metrics.ts";
import { triggerRefOf } from "../../src/queue/messages.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const NS = "koreo-e2e";

test(
  "SRV-13 / SRV-5: a timer queue that does not exist: one ERROR naming it per container, no WARN per record, and the records still fail",
  { timeout: 60_000 },
  async () => {
    const api = await startApiServer({ port: 0 });
    const sqs = await startLocalSqs();
    const client = new SQS({ endpoint: sqs.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    const lines: { level: string; message: string; fields: LogFields }[] = [];
    const at =
      (level: string) =>
      (message: string, fields: LogFields = {}) =>
        void lines.push({ level, message, fields });
    const logger: Logger = { debug: at("DEBUG"), info: at("INFO"), warn: at("WARN"), error: at("ERROR"), child: () => logger };
    try {
      const cluster = createClientNodeCluster(explicitKubeAccess(api.url));
      await applyManifests(cluster, [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
        ...readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
      ]);
      const applied = await cluster.apply(
        { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name: "w", namespace: NS }, spec: { value: "a" } },
        { fieldManager: "t" },
      );
      assert.ok(applied.ok);
      const trigger = triggerRefOf(applied.value);
      assert.ok(trigger);

      const missingTimerUrl = sqs.timerUrl.replace(/[^/]+$/, "koreo-timer-missing");
      const config = configFromEnv({ KOREO_NAMESPACE: NS, RESOURCE_NAMESPACE: NS, KOREO_WORK_QUEUE_URL: sqs.workUrl, KOREO_TIMER_QUEUE_URL: missingTimerUrl });
      const runtime = composeRuntime({ config, cluster, sqs: client, clock: systemClock, logger, metrics: noMetrics });
      const counted: string[] = [];
      const metrics: Metrics = { count: (name, dimensions) => void counted.push(`${name}${JSON.stringify(dimensions ?? {})}`), milliseconds() {} };
      const batch = createSqsBatchHandler(reportMissingQueue(runtime.reconcile, config.timerQueueUrl, logger, metrics), {
        logger,
        metrics: noMetrics,
        maxReceiveCount: 10,
        fifo: true,
      });

      let failedRecords = 0;
      for (let i = 1; i <= 3; i++) {
        const body = JSON.stringify({ trigger, reason: "force", nonce: `n${i}` });
        const message = { MessageId: `m${i}`, ReceiptHandle: `r${i}`, Body: body, Attributes: { ApproximateReceiveCount: "1", MessageGroupId: trigger.uid } };
        const event: SQSEvent = { Records: [toRecord(message, sqs.workArn)] };
        // A batch whose every record failed throws (the function's Errors metric sees it), as on Lambda.
        const answer = await batch(event).catch(() => ({ batchItemFailures: [{ itemIdentifier: `m${i}` }] }));
        failedRecords += answer.batchItemFailures.length;
      }
      assert.equal(failedRecords, 3, "every record failed: SQS redelivers them");
      const errors = lines.filter((l) => l.level === "ERROR");
      assert.equal(errors.length, 1, `one ERROR: ${JSON.stringify(errors)}`);
      assert.match(errors[0]?.message ?? "", /Queue koreo-timer-missing does not exist/);
      assert.equal(errors[0]?.fields.queueUrl, missingTimerUrl);
      assert.deepEqual(
        lines.filter((l) => l.level === "WARN"),
        [],
        "no WARN per record",
      );
      assert.deepEqual(counted, Array(3).fill('QueueMissing{"queue":"koreo-timer-missing"}'), "the stuck state is a metric on every failure");
    } finally {
      client.destroy();
      await sqs.stop();
      await api.close();
    }
  },
);
