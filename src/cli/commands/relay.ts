/**
 * `koreo relay [--kubeconfig FILE] [--health-port P] [--max-buffered N]`: the in-cluster
 * watch relay (SRV-1). Watches the Koreo definitions and every bound trigger kind and
 * forwards identity-only requests to the FIFO work queue. Configuration from the
 * environment: KOREO_WORK_QUEUE_URL (required), AWS_REGION, SQS_ENDPOINT (local only),
 * KOREO_NAMESPACE / TEMPLATE_NAMESPACE / RESOURCE_NAMESPACE (comma lists),
 * KOREO_RELAY_HEALTH_PORT, KOREO_RELAY_MAX_BUFFERED, KOREO_RELAY_SHUTDOWN_SECONDS.
 * AWS credentials come from the SDK's default chain (IRSA / EKS Pod Identity in the cluster),
 * loaded only here so that no Lambda bundle carries it.
 *
 * SIGTERM/SIGINT: stop the watches, flush the buffer until the shutdown deadline,
 * exit 0, whatever SQS does (a hard exit backs the deadline up). Requests left
 * unsent are not lost: the next start re-lists and forwards everything.
 */
import { createClientNodeCluster } from "../../cluster/adapters/index.ts";
import { loadKubeConfig } from "../../cluster/adapters/index.ts";
import { configFromEnv } from "../../config/index.ts";
import { powertoolsLogger } from "../../lambda/index.ts";
import type { Logger } from "../../ports/index.ts";
import { createSqsClient, createSqsWorkQueue, type SqsApi } from "../../queue/adapters/index.ts";
import { startHealthServer } from "../../relay/index.ts";
import { DEFAULT_MAX_BUFFERED, startRelay, type Relay } from "../../relay/index.ts";
import { queueNameOf } from "../../relay/index.ts";
import { DEFAULT_WATCH_BACKOFF } from "../../relay/index.ts";

const USAGE = `usage: koreo relay [--kubeconfig FILE] [--health-port P] [--max-buffered N]

  --kubeconfig FILE   cluster to watch (default: KUBECONFIG, ~/.kube/config, or the pod's service account)
  --health-port P     port of /healthz, /readyz and /metrics (default: KOREO_RELAY_HEALTH_PORT or 8081; 0 picks one)
  --max-buffered N    requests held while SQS is slow or down (default: KOREO_RELAY_MAX_BUFFERED or ${DEFAULT_MAX_BUFFERED})
environment: KOREO_WORK_QUEUE_URL (required), AWS_REGION, SQS_ENDPOINT, KOREO_NAMESPACE, TEMPLATE_NAMESPACE, RESOURCE_NAMESPACE,
  KOREO_RELAY_SHUTDOWN_SECONDS (flush deadline on SIGTERM, default 5), LOG_LEVEL`;

interface RelayArgs {
  readonly kubeconfigPath?: string;
  readonly healthPort: number;
  readonly maxBuffered: number;
  readonly shutdownMs: number;
}

const FLAGS: Readonly<Record<string, string>> = { "--kubeconfig": "kubeconfig", "--health-port": "healthPort", "--max-buffered": "maxBuffered" };

/** Flags win over the environment; returns an error message for anything malformed. */
export function parseRelayArgs(args: readonly string[], env: NodeJS.ProcessEnv): RelayArgs | string {
  const given = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = FLAGS[args[i] ?? ""];
    const value = args[i + 1];
    if (name === undefined || value === undefined) return `unknown arguments ${args.join(" ")}`;
    given.set(name, value);
  }
  const healthPort = wholeNumber(given.get("healthPort") ?? env.KOREO_RELAY_HEALTH_PORT ?? "8081");
  const maxBuffered = wholeNumber(given.get("maxBuffered") ?? env.KOREO_RELAY_MAX_BUFFERED ?? String(DEFAULT_MAX_BUFFERED));
  const shutdownSeconds = Number(env.KOREO_RELAY_SHUTDOWN_SECONDS ?? "5");
  if (healthPort === undefined || healthPort > 65535) return "--health-port must be a port number";
  if (maxBuffered === undefined || maxBuffered < 1) return "--max-buffered must be a whole number ≥ 1";
  if (!(shutdownSeconds > 0)) return "KOREO_RELAY_SHUTDOWN_SECONDS must be a number > 0";
  const kubeconfigPath = given.get("kubeconfig");
  return { ...(kubeconfigPath === undefined ? {} : { kubeconfigPath }), healthPort, maxBuffered, shutdownMs: shutdownSeconds * 1000 };
}

function wholeNumber(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const parsed = parseRelayArgs(args, process.env);
  if (typeof parsed === "string") {
    console.error(`koreo relay: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  const config = configFromEnv(process.env);
  if (config.workQueueUrl === "") {
    console.error("koreo relay: KOREO_WORK_QUEUE_URL is not set");
    return 2;
  }
  const logger = powertoolsLogger("koreo.relay", process.env.LOG_LEVEL);
  const cluster = createClientNodeCluster(loadKubeConfig(parsed.kubeconfigPath === undefined ? {} : { kubeconfigPath: parsed.kubeconfigPath }));
  const sqs = await relaySqsClient(config.region, config.sqsEndpoint);
  const relay = startRelay({
    ...config,
    cluster,
    work: createSqsWorkQueue(sqs, config.workQueueUrl),
    logger,
    backoff: DEFAULT_WATCH_BACKOFF,
    maxBuffered: parsed.maxBuffered,
    queue: queueNameOf(config.workQueueUrl),
  });
  const health = await startHealthServer({ port: parsed.healthPort, snapshot: () => relay.snapshot(), logger }).catch((error: Error) => error);
  if (health instanceof Error) {
    logger.error("Cannot serve the health endpoints.", { port: parsed.healthPort, error: health.message });
    await relay.stop(Date.now());
    return 1;
  }
  const code = await untilSignalOrFailure(relay, logger);
  await shutDown(relay, logger, parsed.shutdownMs, code);
  await health.close();
  // Sockets left by an unreachable API server or SQS must not keep the process past its grace period.
  setTimeout(() => process.exit(code), 500).unref();
  return code;
}

/**
 * The relay's SQS client. Its credentials come from the SDK's default provider chain (IRSA, Pod
 * Identity, a profile…), which refreshes temporary credentials five minutes before they expire;
 * the client asks it before every request. Bounded requests: a blackholed endpoint fails within
 * seconds (and is retried by the sender), never hangs a send.
 */
async function relaySqsClient(region: string, endpoint: string | undefined): Promise<SqsApi> {
  const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
  return createSqsClient({ region, credentials: defaultProvider(), maxAttempts: 2, timeoutMs: 10_000, ...(endpoint === undefined ? {} : { endpoint }) });
}

function untilSignalOrFailure(relay: Relay, logger: Logger): Promise<number> {
  const signal = new Promise<number>((resolve) => {
    const onSignal = (name: NodeJS.Signals) => {
      logger.info(`${name}: stopping the relay.`);
      // A second signal means "now".
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      resolve(0);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  const failure = relay.failed.catch((error: Error) => {
    logger.error("Relay stopping.", { error: error.message });
    return 1;
  });
  return Promise.race([signal, failure]);
}

async function shutDown(relay: Relay, logger: Logger, shutdownMs: number, code: number): Promise<void> {
  // Backs the deadline up: whatever hangs, the process is gone shortly after it.
  setTimeout(() => process.exit(code), shutdownMs + 2_000).unref();
  const unsent = await relay.stop(Date.now() + shutdownMs);
  if (unsent > 0) logger.warn(`Stopped with ${unsent} requests unsent; the next start re-lists and forwards them.`, { unsent });
  else logger.info("Relay stopped; every request was sent.");
}
