/**
 * `koreo relay [--kubeconfig FILE]`: the in-cluster watch relay (SRV-1). Watches
 * the Koreo definitions and every bound trigger kind and forwards identity-only
 * requests to the FIFO work queue. Configuration from the environment:
 * KOREO_WORK_QUEUE_URL (required), AWS_REGION, SQS_ENDPOINT (local only),
 * KOREO_NAMESPACE / TEMPLATE_NAMESPACE / RESOURCE_NAMESPACE (comma lists).
 * AWS credentials come from the default chain (IRSA / EKS Pod Identity in the
 * cluster). Exits 1 when a watch gives up, so its Deployment restarts it.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { createClientNodeCluster } from "../../cluster/adapters/client-node.ts";
import { loadKubeConfig } from "../../cluster/adapters/kubeconfig.ts";
import { configFromEnv } from "../../config/config.ts";
import { powertoolsLogger } from "../../lambda/observability.ts";
import { createSqsWorkQueue } from "../../queue/adapters/sqs.ts";
import { startRelay } from "../../relay/relay.ts";
import { DEFAULT_WATCH_BACKOFF } from "../../relay/watch.ts";

const USAGE = `usage: koreo relay [--kubeconfig FILE]

  --kubeconfig FILE  cluster to watch (default: KUBECONFIG, ~/.kube/config, or the pod's service account)
environment: KOREO_WORK_QUEUE_URL (required), AWS_REGION, SQS_ENDPOINT, KOREO_NAMESPACE, TEMPLATE_NAMESPACE, RESOURCE_NAMESPACE, LOG_LEVEL`;

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const kubeconfigPath = args[0] === "--kubeconfig" ? args[1] : undefined;
  if (args.length > 0 && kubeconfigPath === undefined) {
    console.error(`koreo relay: unknown arguments ${args.join(" ")}\n\n${USAGE}`);
    return 2;
  }
  const config = configFromEnv(process.env);
  if (config.workQueueUrl === "") {
    console.error("koreo relay: KOREO_WORK_QUEUE_URL is not set");
    return 2;
  }
  const logger = powertoolsLogger("koreo.relay", process.env.LOG_LEVEL);
  const cluster = createClientNodeCluster(loadKubeConfig(kubeconfigPath === undefined ? {} : { kubeconfigPath }));
  const sqs = new SQSClient({ region: config.region, ...(config.sqsEndpoint === undefined ? {} : { endpoint: config.sqsEndpoint }) });
  const relay = startRelay({ ...config, cluster, work: createSqsWorkQueue(sqs, config.workQueueUrl), logger, backoff: DEFAULT_WATCH_BACKOFF });
  const signal = new Promise<number>((resolve) => {
    process.once("SIGINT", () => resolve(0));
    process.once("SIGTERM", () => resolve(0));
  });
  const code = await Promise.race([signal, relay.failed.catch((error: Error) => (logger.error("Relay stopping.", { error: error.message }), 1))]);
  await relay.stop();
  return code;
}
