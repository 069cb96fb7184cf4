/**
 * The infrastructure of bench/cost.bench.ts, in its own process so that the
 * bench process's CPU time is the handlers' alone: the embedded API server
 * and fauxqs, each behind a counting proxy (test/support/counting-proxy.ts).
 * Talks to the parent over IPC: "ready" with the addresses, then answers
 * "take" (the requests since the last take, bodies dropped) and "depth"
 * (the work queue's message counts); "stop" ends it.
 */
import { startApiServer } from "../../src/apiserver/index.ts";
import { startLocalSqs } from "../../src/local/sqs.ts";
import { startCountingProxy, type ProxiedRequest } from "../../test/support/counting-proxy.ts";

export interface InfraReady {
  readonly type: "ready";
  /** The API server itself: setup traffic the bench does not count. */
  readonly apiUrl: string;
  readonly apiProxyUrl: string;
  readonly sqsProxyUrl: string;
  readonly workUrl: string;
  readonly workArn: string;
  readonly timerUrl: string;
  readonly timerArn: string;
}

export type WireRequest = Omit<ProxiedRequest, "body"> & { readonly written?: string };

export type InfraRequest = { readonly type: "take" } | { readonly type: "depth" } | { readonly type: "stop" };

export type InfraAnswer =
  | InfraReady
  | { readonly type: "taken"; readonly api: readonly WireRequest[]; readonly sqs: readonly WireRequest[] }
  | { readonly type: "depth"; readonly ready: number; readonly inflight: number; readonly delayed: number };

function isInfraRequest(message: unknown): message is InfraRequest {
  return typeof message === "object" && message !== null && "type" in message && typeof message.type === "string";
}

/** Bodies stay here (they are large) unless BENCH_SHOW_WRITES asks to see what the writes changed. */
const withoutBody = ({ body, ...rest }: ProxiedRequest): WireRequest =>
  process.env.BENCH_SHOW_WRITES && rest.method !== "GET" ? { ...rest, written: body } : rest;

async function main(): Promise<void> {
  const api = await startApiServer({ port: 0 });
  const sqs = await startLocalSqs({ visibilityTimeoutSeconds: 30 });
  const apiProxy = await startCountingProxy(api.url);
  const sqsProxy = await startCountingProxy(sqs.endpoint);
  const send = (answer: InfraAnswer) => process.send?.(answer);

  process.on("message", async (message: unknown) => {
    if (!isInfraRequest(message)) return;
    if (message.type === "take") {
      send({ type: "taken", api: apiProxy.requests.map(withoutBody), sqs: sqsProxy.requests.map(withoutBody) });
      apiProxy.reset();
      sqsProxy.reset();
      return;
    }
    if (message.type === "depth") return send({ type: "depth", ...sqs.depth("work") });
    await Promise.all([apiProxy.close(), sqsProxy.close()]);
    await sqs.stop();
    await api.close();
    process.disconnect();
  });

  send({
    type: "ready",
    apiUrl: api.url,
    apiProxyUrl: apiProxy.url,
    sqsProxyUrl: sqsProxy.url,
    workUrl: sqs.workUrl,
    workArn: sqs.workArn,
    timerUrl: sqs.timerUrl,
    timerArn: sqs.timerArn,
  });
}

await main();
