/**
 * The whole stack in one process (`npm start`, e2e tests, bench): the embedded
 * API server, fauxqs, the relay, N pollers running the very handler code Lambda
 * runs (each its own "container": own runtime, own definitions cache; in a
 * worker thread of its own with `handlerThreads`), the timer poller, and the
 * webhook on localhost. Optionally a
 * simulated Deployment controller (workload-simulator.ts), a faster clock
 * (time-scale.ts) and the scheduled resync sweep.
 */
import { localAdmissionWebhook } from "../webhook/index.ts";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { WatchableClusterApi } from "../cluster/index.ts";
import { createClientNodeCluster } from "../cluster/adapters/index.ts";
import { loadKubeConfig } from "../cluster/adapters/index.ts";
import { startApiServer, type RunningApiServer } from "../apiserver/index.ts";
import { configFromEnv, type Env } from "../config/index.ts";
import { silentLogger, type Logger } from "../ports/index.ts";
import { createSqsWorkQueue } from "../queue/adapters/index.ts";
import type { TimerQueue } from "../queue/index.ts";
import type { RunReconcile } from "../reconciler/index.ts";
import { startRelay, type Relay } from "../relay/index.ts";
import { DEFAULT_WATCH_BACKOFF, type WatchBackoff } from "../relay/index.ts";
import type { FlushableMetrics } from "../lambda/index.ts";
import { createReconcileHandler } from "../lambda/index.ts";
import { createTimerHandler } from "../lambda/index.ts";
import { webhookAppFromEnv } from "../lambda/index.ts";
import { startHandlerThread } from "./handler-thread.ts";
import { pollerErrorLog, startPoller, type Poller, type SqsBatchHandler } from "./poller.ts";
import { serveFetch, type Served } from "./serve.ts";
import { startLocalSqs, type LocalSqs } from "./sqs.ts";
import { applyManifests, readManifests } from "./apply.ts";
import { scaledClock, scaledTimers } from "./time-scale.ts";
import { startWorkloadSimulator, type WorkloadSimulator } from "./workload-simulator.ts";

export interface LocalStackOptions {
  /** Embedded API server data directory (persistent across restarts); none = in memory. */
  readonly dataDir?: string;
  readonly kubeconfigPath?: string;
  /** Serve the API over HTTPS with a CA kept in the data dir (what `koreo start` does); tests keep plain HTTP. */
  readonly tls?: boolean;
  readonly handlers?: number;
  /**
   * Each reconcile handler in its own worker thread (handler-thread.ts), as Lambda runs each in its
   * own container: `koreo start` and the bench. Off: in this thread, where tests can wrap runs.
   */
  readonly handlerThreads?: boolean;
  readonly apiPort?: number;
  readonly webhookPort?: number;
  readonly secret?: string;
  /** YAML files/directories applied (after the Koreo CRDs) before the relay starts. */
  readonly manifests?: readonly string[];
  /** Runtime settings (CTL-20 names, e.g. KOREO_NAMESPACE, KOREO_RESYNC_SECONDS). */
  readonly env?: Env;
  readonly logger?: Logger;
  readonly metrics?: FlushableMetrics;
  readonly wrapRun?: (run: RunReconcile) => RunReconcile;
  readonly visibilityTimeoutSeconds?: number;
  readonly maxReceiveCount?: number;
  readonly watchBackoff?: WatchBackoff;
  /** Run the simulated Deployment controller (the embedded API server has no workload controllers). */
  readonly simulateWorkloads?: boolean;
  /** Register the webhook's /admission endpoint with the API server (npm start); off for tests that apply broken definitions on purpose. */
  readonly admission?: boolean;
  /** Handlers' time runs this many times faster than the wall clock (timers, resync, backoff); default 1. */
  readonly timeScale?: number;
  /** Run the resync sweep (SRV-7) at start and then every this many (scaled) seconds, as the deployed schedule does every 300 s; none = never. */
  readonly sweepEverySeconds?: number;
}

export interface LocalStack {
  readonly api: RunningApiServer;
  readonly cluster: WatchableClusterApi;
  readonly sqs: LocalSqs;
  readonly relay: Relay;
  readonly handlers: readonly Poller[];
  readonly webhookUrl: string;
  readonly secret: string;
  readonly kubeconfigPath: string | undefined;
  readonly simulator: WorkloadSimulator | undefined;
  /** Starts one more reconcile handler (e.g. after killing one). */
  addHandler(): Poller;
  stop(): Promise<void>;
}

/**
 * Locally the reconcile budget is the reference's 30 s (the deployed stack sets 20 s on a 30 s
 * function), so the local pollers give a batch 55 s: budget + margin fits as on Lambda.
 */
const FUNCTION_TIMEOUT_MS = 55_000;
/** CTL-1: the Koreo CRDs the definitions need. */
const KOREO_CRDS = fileURLToPath(new URL("../../infra/crds/", import.meta.url));

const noFlush: FlushableMetrics = { count() {}, milliseconds() {}, flush() {} };

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  if (options.handlerThreads === true && options.wrapRun !== undefined)
    throw new Error("wrapRun needs in-process handlers: a function cannot cross into a worker thread");
  const logger = options.logger ?? silentLogger;
  const api = await startApiServer({
    port: options.apiPort ?? 0,
    tls: options.tls ?? false,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
  const ca = api.caData === undefined ? {} : { caData: api.caData };
  if (options.kubeconfigPath !== undefined) {
    mkdirSync(dirname(options.kubeconfigPath), { recursive: true });
    api.writeKubeconfig(options.kubeconfigPath);
  }
  const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url, ...ca }));
  const sqs = await startLocalSqs({ visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30, maxReceiveCount: options.maxReceiveCount ?? 5 });
  const secret = options.secret ?? randomBytes(16).toString("hex");
  const env: Env = {
    KOREO_NAMESPACE: "koreo-testing",
    RESOURCE_NAMESPACE: "koreo-testing",
    ...options.env,
    KUBE_SERVER: api.url,
    ...(ca.caData === undefined ? {} : { KUBE_CA_DATA: ca.caData }),
    SQS_ENDPOINT: sqs.endpoint,
    KOREO_WORK_QUEUE_URL: sqs.workUrl,
    KOREO_TIMER_QUEUE_URL: sqs.timerUrl,
    KOREO_WORK_DLQ_URL: sqs.workDlqUrl,
    KOREO_TIMER_DLQ_URL: sqs.timerDlqUrl,
    KOREO_WEBHOOK_SECRET: secret,
    KOREO_MAX_RECEIVE_COUNT: String(options.maxReceiveCount ?? 5),
  };
  const config = configFromEnv(env);
  const overrides = { logger, metrics: options.metrics ?? noFlush, ...(options.wrapRun === undefined ? {} : { wrapRun: options.wrapRun }) };
  // Started before anything that keeps the process alive: a busy port or a bad manifest stops what runs, then throws.
  const abort = async (error: unknown, ...running: Array<() => Promise<void>>): Promise<never> => {
    for (const stop of running) await stop();
    throw error;
  };
  const webhook = await serveFetch(webhookAppFromEnv(env, overrides).fetch, options.webhookPort ?? 0).catch((error: unknown) =>
    abort(error, sqs.stop, api.close),
  );
  // Before the manifests: a stale URL kept in the data dir from an earlier start is replaced first.
  if (options.admission === true) {
    await applyManifests(cluster, [localAdmissionWebhook(webhook.url)]).catch((error: unknown) => abort(error, webhook.close, sqs.stop, api.close));
  }
  await applyManifests(cluster, readManifests([KOREO_CRDS, ...(options.manifests ?? [])])).catch((error: unknown) =>
    abort(error, webhook.close, sqs.stop, api.close),
  );

  const scale = options.timeScale ?? 1;
  if (!(scale >= 1)) throw new Error(`time scale ${scale} must be a number ≥ 1`);
  // The reconcile and timer handlers share one clock; the webhook keeps the wall clock.
  const origin = Date.now();
  const timed =
    scale === 1 ? overrides : { ...overrides, clock: scaledClock(scale, undefined, origin), wrapTimers: (timers: TimerQueue) => scaledTimers(timers, scale) };
  const onError = pollerErrorLog(logger);
  // A function timeout, so a batch stops starting records as it would on Lambda.
  const poll = (queueUrl: string, queueArn: string, handler: SqsBatchHandler) =>
    startPoller({ client: sqs.client, queueUrl, queueArn, handler, onError, functionTimeoutMs: FUNCTION_TIMEOUT_MS });
  const handlers: Poller[] = [];
  const thread = { env, sqsEndpoint: sqs.endpoint, functionTimeoutMs: FUNCTION_TIMEOUT_MS, time: { scale, origin } };
  const addHandler = () => {
    const poller = options.handlerThreads
      ? startHandlerThread({ ...thread, queueUrl: sqs.workUrl, queueArn: sqs.workArn }, logger, overrides.metrics)
      : poll(sqs.workUrl, sqs.workArn, createReconcileHandler(env, timed));
    handlers.push(poller);
    return poller;
  };
  for (let i = 0; i < (options.handlers ?? 2); i++) addHandler();
  const timerHandler = createTimerHandler(env, timed);
  // In this thread also with handlerThreads: a third worker on two cores measured slower (it forwards, it does not reconcile).
  const timerPoller = poll(sqs.timerUrl, sqs.timerArn, async (event, context) => {
    const result = await timerHandler(event, context);
    return "batchItemFailures" in result ? result : { batchItemFailures: [] };
  });
  const relay = startRelay({
    cluster,
    work: createSqsWorkQueue(sqs.client, sqs.workUrl),
    logger,
    koreoNamespaces: config.koreoNamespaces,
    templateNamespaces: config.templateNamespaces,
    resourceNamespaces: config.resourceNamespaces,
    backoff: options.watchBackoff ?? DEFAULT_WATCH_BACKOFF,
  });
  const simulator = options.simulateWorkloads ? startWorkloadSimulator(cluster, logger) : undefined;
  const runSweep = () => void timerHandler({ source: "aws.events", "detail-type": "Scheduled Event" }).catch(onError);
  const sweeps = options.sweepEverySeconds === undefined ? undefined : setInterval(runSweep, (options.sweepEverySeconds * 1000) / scale);
  if (sweeps !== undefined) runSweep();

  return {
    api,
    cluster,
    sqs,
    relay,
    handlers,
    secret,
    webhookUrl: webhook.url,
    kubeconfigPath: options.kubeconfigPath,
    simulator,
    addHandler,
    async stop() {
      clearInterval(sweeps);
      await relay.stop();
      await simulator?.stop();
      await Promise.all([...handlers, timerPoller].map((p) => p.stop()));
      await webhook.close();
      await sqs.stop();
      await api.close();
    },
  };
}
