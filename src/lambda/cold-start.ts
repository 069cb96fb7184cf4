/**
 * Lambda cold-start wiring from the environment: the cluster (a kubeconfig file,
 * or the EKS endpoint and CA — given, or read once with eks:DescribeCluster — with a
 * bearer token derived from the function's IAM role), the SQS client (ours, signed
 * with the role's credentials from the environment), Powertools logging and metrics. One Runtime per warm container, created on first use.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ClusterApi, ClusterResult } from "../cluster/index.ts";
import { fail, ok } from "../cluster/index.ts";
import { configFromEnv, type Env, type ManagedClusterSource, type RuntimeConfig } from "../config/index.ts";
import { systemClock, type Clock } from "../ports/index.ts";
import type { Logger } from "../ports/index.ts";
import type { TimerQueue } from "../queue/index.ts";
import { createSqsClient, type SqsApi } from "../queue/adapters/index.ts";
import type { RunReconcile } from "../reconciler/index.ts";
import { composeRuntime, type Runtime } from "./composition-root.ts";
import { powertoolsLogger, powertoolsMetrics, type FlushableMetrics } from "./observability.ts";
import {
  createClientNodeCluster,
  createEksTokenProvider,
  describeEksCluster,
  environmentCredentials,
  loadKubeConfig,
  type EksClusterEndpoint,
  type EksTokenOptions,
} from "../cluster/adapters/index.ts";

export interface LambdaRuntime {
  readonly runtime: Runtime;
  readonly config: RuntimeConfig;
  readonly metrics: FlushableMetrics;
  readonly env: Env;
  /** The container's one SQS client (sends, the sweep's redrive, the batch handler's visibility changes). */
  readonly sqs: SqsApi;
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
  const sqs = createSqsClient(
    config.sqsEndpoint === undefined
      ? { region: config.region, credentials: environmentCredentials(env) }
      : { region: config.region, endpoint: config.sqsEndpoint, credentials: async () => LOCAL_CREDENTIALS },
  );
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
  return { runtime, config, metrics, env, sqs };
}

/** fauxqs accepts any signature; a local endpoint must not go looking for AWS credentials. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export type DescribeCluster = (clusterName: string, region: string) => Promise<EksClusterEndpoint>;

/** What tests swap in; on Lambda both come from the function's role. */
export interface ClusterOptions {
  readonly describeCluster?: DescribeCluster;
  readonly credentials?: EksTokenOptions["credentials"];
}

/**
 * KOREO_KUBECONFIG: a kubeconfig file (local runs). Otherwise KUBE_SERVER and KUBE_CA_DATA
 * (base64 PEM), or only EKS_CLUSTER_NAME: the endpoint and CA are then read with
 * eks:DescribeCluster on first use, so a cluster's new endpoint or rotated CA needs no
 * redeploy. EKS_CLUSTER_NAME also signs the IAM-derived token.
 */
export function clusterFromEnv(env: Env, options: ClusterOptions = {}): ClusterApi {
  if (env.KOREO_KUBECONFIG) return createClientNodeCluster(loadKubeConfig({ kubeconfigPath: env.KOREO_KUBECONFIG }));
  const clusterName = env.EKS_CLUSTER_NAME || undefined;
  const region = env.AWS_REGION ?? "us-east-1";
  if (env.KUBE_SERVER) return clusterAt({ server: env.KUBE_SERVER, caData: env.KUBE_CA_DATA ?? "" }, clusterName, region, options);
  if (clusterName === undefined) throw new Error("set KOREO_KUBECONFIG, KUBE_SERVER (+ KUBE_CA_DATA, EKS_CLUSTER_NAME), or EKS_CLUSTER_NAME alone");
  // Signed with the execution role's credentials (serverless.yml grants DescribeCluster on this one cluster), no AWS SDK client.
  const describe: DescribeCluster = options.describeCluster ?? describeEksCluster;
  return deferredCluster(async () => clusterAt(await describe(clusterName, region), clusterName, region, options));
}

function clusterAt(endpoint: EksClusterEndpoint, clusterName: string | undefined, region: string, options: ClusterOptions): ClusterApi {
  const kubeConfig = loadKubeConfig({ server: endpoint.server, ...(endpoint.caData ? { caData: endpoint.caData } : {}) });
  if (clusterName === undefined) return createClientNodeCluster(kubeConfig);
  const credentials = options.credentials === undefined ? {} : { credentials: options.credentials };
  return createClientNodeCluster(kubeConfig, { bearerToken: createEksTokenProvider({ clusterName, region, ...credentials }) });
}

/**
 * A cluster reached only after an asynchronous lookup: connected on first use and kept for the
 * container's life. Adapters never reject, so a failed lookup answers Unavailable (the reconciler
 * treats it as a system error and retries) and is tried again on the next call.
 */
export function deferredCluster(connect: () => Promise<ClusterApi>): ClusterApi {
  let connecting: Promise<ClusterApi> | undefined;
  async function connected(): Promise<ClusterResult<ClusterApi>> {
    connecting ??= connect();
    try {
      return ok(await connecting);
    } catch (error) {
      connecting = undefined;
      return fail("Unavailable", `cluster endpoint lookup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  async function via<T>(call: (cluster: ClusterApi) => Promise<ClusterResult<T>>): Promise<ClusterResult<T>> {
    const cluster = await connected();
    return cluster.ok ? call(cluster.value) : { ok: false, error: cluster.error };
  }
  return {
    get: (ref) => via((c) => c.get(ref)),
    list: (apiVersion, kind, options) => via((c) => c.list(apiVersion, kind, options)),
    discover: (apiVersion, kind) => via((c) => c.discover(apiVersion, kind)),
    create: (object, options) => via((c) => c.create(object, options)),
    mergePatch: (ref, patch, options) => via((c) => c.mergePatch(ref, patch, options)),
    apply: (object, options) => via((c) => c.apply(object, options)),
    delete: (ref, options) => via((c) => c.delete(ref, options)),
  };
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
