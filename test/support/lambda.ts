/**
 * Fixtures for the Lambda batch tests: the embedded API server behind a real HTTP proxy that is
 * slow (each request delayed, and charged against a virtual clock the fake Lambda context reads)
 * or down (503), fauxqs, and receive helpers that build the SQS event as Lambda would.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Context, SQSEvent } from "aws-lambda";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";
import type { ClusterApi } from "../../src/cluster/cluster-api.ts";
import type { Env } from "../../src/config/config.ts";
import type { FlushableMetrics } from "../../src/lambda/observability.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { localContext, toRecord } from "../../src/local/poller.ts";
import { startLocalSqs, type LocalSqs } from "../../src/local/sqs.ts";
import type { SqsMessage as Message } from "../../src/queue/adapters/sqs-client.ts";
import { isMap } from "../../src/value/value.ts";

export const NS = "koreo-lambda";
const KOREO_CRDS = fileURLToPath(new URL("../../infra/crds/", import.meta.url));
export const noFlush: FlushableMetrics = { count() {}, milliseconds() {}, flush() {} };

const widgetCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.lambda.koreo.dev" },
  spec: {
    group: "lambda.koreo.dev",
    scope: "Namespaced",
    names: { kind: "Widget", plural: "widgets", singular: "widget" },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
  },
};

/** A real HTTP proxy to the API server: every request waits `delayMs` and costs `costMs` of virtual time. */
export interface SlowProxy {
  readonly url: string;
  /** Virtual milliseconds spent so far: what a fake Lambda context counts down with. */
  spentMs(): number;
  /** Answer 503 to everything (the cluster is unreachable) or forward again. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startSlowProxy(target: string, delayMs: number, costMs: number): Promise<SlowProxy> {
  let spent = 0;
  let down = false;
  const server = createServer((req, res) => {
    spent += costMs;
    setTimeout(() => (down ? refuse(res) : forward(target, req, res)), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spentMs: () => spent,
    setDown: (value) => void (down = value),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(target: string, req: IncomingMessage, res: ServerResponse): void {
  const upstream = httpRequest(`${target}${req.url ?? "/"}`, { method: req.method, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on("error", () => refuse(res));
  req.pipe(upstream);
}

function refuse(res: ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(503, { "content-type": "application/json" });
  res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "ServiceUnavailable", message: "cluster down", code: 503 }));
}

export interface Fixture {
  readonly api: RunningApiServer;
  readonly cluster: ClusterApi;
  readonly proxy: SlowProxy;
  readonly sqs: LocalSqs;
  /** The handler environment: the cluster through the proxy, the queues in fauxqs. */
  env(extra?: Env): Env;
  stop(): Promise<void>;
}

/** `queueVisibilitySeconds` long (900 s as deployed) so a record seen again soon was returned by the handler, not by SQS. */
export async function startFixture(options: { delayMs: number; costMs: number; queueVisibilitySeconds: number }): Promise<Fixture> {
  const api = await startApiServer({});
  const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url }));
  await applyManifests(cluster, [...readManifests([KOREO_CRDS]), widgetCrd, { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }]);
  const proxy = await startSlowProxy(api.url, options.delayMs, options.costMs);
  const sqs = await startLocalSqs({ visibilityTimeoutSeconds: options.queueVisibilitySeconds, maxReceiveCount: 5 });
  return {
    api,
    cluster,
    proxy,
    sqs,
    env: (extra = {}) => ({
      KOREO_NAMESPACE: NS,
      RESOURCE_NAMESPACE: NS,
      KUBE_SERVER: proxy.url,
      SQS_ENDPOINT: sqs.endpoint,
      KOREO_WORK_QUEUE_URL: sqs.workUrl,
      KOREO_TIMER_QUEUE_URL: sqs.timerUrl,
      KOREO_DEFINITION_STATUS: "false",
      ...extra,
    }),
    async stop() {
      await proxy.close();
      await sqs.stop();
      await api.close();
    },
  };
}

/** Creates a Widget and returns its trigger reference. */
export async function createWidget(cluster: ClusterApi, name: string) {
  const created = await cluster.create({ apiVersion: "lambda.koreo.dev/v1", kind: "Widget", metadata: { name, namespace: NS }, spec: {} });
  if (!created.ok || !isMap(created.value.metadata)) throw new Error(`creating ${name}: ${created.ok ? "no metadata" : created.error.message}`);
  return { apiVersion: "lambda.koreo.dev/v1", kind: "Widget", namespace: NS, name, uid: String(created.value.metadata.uid) };
}

/** One receive of up to 10 messages (all attributes, as the event source mapping asks). */
export async function receive(sqs: LocalSqs, queueUrl: string, waitSeconds = 0): Promise<Message[]> {
  const received = await sqs.client.receiveMessage({
    QueueUrl: queueUrl,
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: waitSeconds,
    MessageSystemAttributeNames: ["All"],
  });
  return [...(received.Messages ?? [])];
}

/** Receives until `count` messages are in hand (a FIFO receive may hand out fewer than are ready). */
export async function receiveCount(sqs: LocalSqs, queueUrl: string, count: number): Promise<Message[]> {
  const got: Message[] = [];
  for (let i = 0; i < 20 && got.length < count; i++) got.push(...(await receive(sqs, queueUrl, 1)));
  if (got.length < count) throw new Error(`received ${got.length} of ${count} messages`);
  return got;
}

export function eventOf(messages: readonly Message[], queueArn: string): SQSEvent {
  return { Records: messages.map((m) => toRecord(m, queueArn)) };
}

/** What the event source mapping does with the records the handler did not report failed. */
export async function deleteMessages(sqs: LocalSqs, queueUrl: string, messages: readonly Message[]): Promise<void> {
  if (messages.length === 0) return;
  await sqs.client.deleteMessageBatch({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })) });
}

/** A Lambda context whose remaining time is `budgetMs` minus what the slow API server has charged since. */
export function virtualContext(proxy: SlowProxy, budgetMs: number): Context {
  const start = proxy.spentMs();
  return localContext("arn:aws:sqs:us-east-1:000000000000:test", () => budgetMs - (proxy.spentMs() - start));
}
