/**
 * Lambda cold-start wiring from the environment: the cluster (a kubeconfig file,
 * or the EKS endpoint and CA with a bearer token derived from the function's IAM
 * role), the SQS client, Powertools logging and metrics. One Runtime per warm
 * container, created on first use.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { ClusterApi } from "../cluster/cluster-api.ts";
import { createClientNodeCluster } from "../cluster/adapters/client-node.ts";
import { loadKubeConfig } from "../cluster/adapters/kubeconfig.ts";
import { configFromEnv, type Env, type ManagedClusterSource, type RuntimeConfig } from "../config/config.ts";
import { systemClock, type Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { TimerQueue } from "../queue/queue.ts";
import type { RunReconcile } from "../reconciler/run.ts";
import { composeRuntime, type Runtime } from "./composition-root.ts";
import { powertoolsLogger, powertoolsMetrics, type FlushableMetrics } from "./observability.ts";
import { createEksTokenProvider } from "../cluster/adapters/eks-token.ts";

export interface LambdaRuntime {
  readonly runtime: Runtime;
  readonly config: RuntimeConfig;
  readonly metrics: FlushableMetrics;
  readonly env: Env;
}

/** What `npm start` and tests may swap in; on Lambda nothing is. */
export interface RuntimeOverrides {
  readonly logger?: Logger;
  readonly metrics?: FlushableMetrics;
  /** Wraps the engine call (instrumentation: overlap detection, fault injection). */
  readonly wrapRun?: (run: RunReconcile) => RunReconcile;
  /** `koreo start --time-scale`: a clock that runs faster than the wall clock, shared by every handler. */
  readonly clock?: Clock;
  /** `koreo start --time-scale`: the local timer queue shortens the delays it is given by the same factor. */
  readonly wrapTimers?: (timers: TimerQueue) => TimerQueue;
}

/** A container's runtime, built on first use (cold start) and then reused. Each handler module holds one. */
export function lazyRuntime(env: Env, overrides: RuntimeOverrides = {}): () => LambdaRuntime {
  let cached: LambdaRuntime | undefined;
  return () => (cached ??= buildRuntime(env, overrides));
}

function buildRuntime(env: Env, overrides: RuntimeOverrides): LambdaRuntime {
  const config = configFromEnv(env);
  const logger = overrides.logger ?? powertoolsLogger("koreo.controller", env.LOG_LEVEL);
  const metrics = overrides.metrics ?? powertoolsMetrics(env.AWS_LAMBDA_FUNCTION_NAME ?? "koreo");
  const sqs = new SQSClient({
    region: config.region,
    ...(config.sqsEndpoint === undefined ? {} : { endpoint: config.sqsEndpoint, credentials: LOCAL_CREDENTIALS }),
  });
  const managed = config.managedCluster === undefined ? undefined : managedClusterOf(config.managedCluster);
  const parts = {
    config,
    cluster: clusterFromEnv(env),
    sqs,
    ...(managed === undefined ? {} : { managedCluster: managed }),
    clock: overrides.clock ?? systemClock,
    logger,
    metrics,
    ...(overrides.wrapRun === undefined ? {} : { wrapRun: overrides.wrapRun }),
    ...(overrides.wrapTimers === undefined ? {} : { wrapTimers: overrides.wrapTimers }),
  };
  const runtime = composeRuntime(parts);
  return { runtime, config, metrics, env };
}

/** fauxqs accepts any signature; a local endpoint must not go looking for AWS credentials. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * KOREO_KUBECONFIG: a kubeconfig file (local runs). Otherwise KUBE_SERVER and
 * KUBE_CA_DATA (base64 PEM), with EKS_CLUSTER_NAME for an IAM-derived token.
 */
export function clusterFromEnv(env: Env): ClusterApi {
  if (env.KOREO_KUBECONFIG) return createClientNodeCluster(loadKubeConfig({ kubeconfigPath: env.KOREO_KUBECONFIG }));
  const server = env.KUBE_SERVER;
  if (!server) throw new Error("set KOREO_KUBECONFIG, or KUBE_SERVER (+ KUBE_CA_DATA, EKS_CLUSTER_NAME)");
  const kubeConfig = loadKubeConfig({ server, ...(env.KUBE_CA_DATA ? { caData: env.KUBE_CA_DATA } : {}) });
  const clusterName = env.EKS_CLUSTER_NAME;
  if (!clusterName) return createClientNodeCluster(kubeConfig);
  return createClientNodeCluster(kubeConfig, { bearerToken: createEksTokenProvider({ clusterName, region: env.AWS_REGION ?? "us-east-1" }) });
}

/**
 * CTL-19: the client for the managed cluster. A service-account token is re-read at most once a
 * minute (projected tokens rotate); a directory also supplies `ca.crt`. Throws on unreadable files
 * (a startup error, like the controller's own kubeconfig).
 */
export function managedClusterOf(source: ManagedClusterSource): ClusterApi {
  if (source.kind === "kubeconfig") return createClientNodeCluster(loadKubeConfig(source));
  const account = source.serviceAccount === undefined ? undefined : serviceAccountFiles(source.serviceAccount);
  const caFile = account?.caFile === undefined ? undefined : readFileSync(account.caFile).toString("base64");
  const caData = source.caData ?? caFile;
  const kubeConfig = loadKubeConfig({
    server: source.server,
    ...(source.token === undefined ? {} : { token: source.token }),
    ...(caData === undefined ? {} : { caData }),
  });
  if (account === undefined) return createClientNodeCluster(kubeConfig);
  return createClientNodeCluster(kubeConfig, { bearerToken: tokenFile(account.tokenFile) });
}

function serviceAccountFiles(path: string): { tokenFile: string; caFile?: string } {
  if (!statSync(path).isDirectory()) return { tokenFile: path };
  const caFile = join(path, "ca.crt");
  return statSync(caFile, { throwIfNoEntry: false }) ? { tokenFile: join(path, "token"), caFile } : { tokenFile: join(path, "token") };
}

function tokenFile(path: string, refreshMs = 60_000): () => Promise<string> {
  let token = readFileSync(path, "utf8").trim();
  let readAt = Date.now();
  return async () => {
    if (Date.now() - readAt >= refreshMs) {
      token = readFileSync(path, "utf8").trim();
      readAt = Date.now();
    }
    return token;
  };
}
