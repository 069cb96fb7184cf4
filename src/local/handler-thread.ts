/**
 * Reconcile handlers in worker threads: each one its own "container", as on Lambda,
 * where every concurrent invocation runs in a container of its own: its own module
 * state (runtime, definitions cache, seen-memory), and its own core. In one thread
 * the whole local stack (API server, fauxqs, relay and every handler) shares a single
 * core, so extra handlers only overlapped waits.
 *
 * The thread polls the work queue itself (poller.ts, over its own SQS client) and
 * sends its log lines and metrics to the main thread (one message per event-loop
 * turn), which hands them to the stack's logger and metrics: the console and
 * `koreo start --once` see them as before. Functions cannot cross threads, so
 * `wrapRun` needs in-process handlers.
 *
 * The thread's code is loaded through `bin/handler-thread.mjs`, which loads the
 * same build of the sources as the `koreo` command (its esbuild bundle, or tsx).
 */
import { parentPort, Worker, workerData } from "node:worker_threads";
import type { Env } from "../config/index.ts";
import { createReconcileHandler, type FlushableMetrics } from "../lambda/index.ts";
import type { LogFields, Logger, MetricName } from "../ports/index.ts";
import type { TimerQueue } from "../queue/index.ts";
import { pollerErrorLog, startPoller, type Poller } from "./poller.ts";
import { localSqsClient } from "./sqs.ts";
import { scaledClock, scaledTimers } from "./time-scale.ts";

/** What a handler thread is started with (structured-cloned). */
export interface HandlerThreadData {
  readonly env: Env;
  readonly sqsEndpoint: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly functionTimeoutMs: number;
  /** The stack's scaled clock: its factor and origin, so every handler reads the same time. */
  readonly time: { readonly scale: number; readonly origin: number };
}

type Level = "debug" | "info" | "warn" | "error";

/** What a thread tells the main thread. */
type ThreadMessage =
  | { readonly type: "log"; readonly level: Level; readonly message: string; readonly fields?: LogFields }
  | { readonly type: "count"; readonly name: MetricName; readonly dimensions?: Readonly<Record<string, string>> }
  | { readonly type: "milliseconds"; readonly name: MetricName; readonly value: number }
  | { readonly type: "flush" };

const HANDLER_THREAD_ENTRY = new URL("../../bin/handler-thread.mjs", import.meta.url);

/** Starts one handler thread; `stop` lets its batch in hand finish, `kill` ends it at once (the batch is never acknowledged). */
export function startHandlerThread(data: HandlerThreadData, logger: Logger, metrics: FlushableMetrics): Poller {
  const worker = new Worker(HANDLER_THREAD_ENTRY, { workerData: data });
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.on("message", (messages: readonly ThreadMessage[]) => {
    for (const message of messages) deliver(message, logger, metrics);
  });
  worker.on("error", (error) =>
    logger.error("A reconcile handler thread crashed; its in-flight messages come back after their visibility timeout.", { error: error.message }),
  );
  return {
    async stop() {
      worker.postMessage("stop");
      await exited;
    },
    kill() {
      void worker.terminate();
    },
  };
}

function deliver(message: ThreadMessage, logger: Logger, metrics: FlushableMetrics): void {
  switch (message.type) {
    case "log":
      return logger[message.level](message.message, message.fields);
    case "count":
      return metrics.count(message.name, message.dimensions);
    case "milliseconds":
      return metrics.milliseconds(message.name, message.value);
    case "flush":
      return metrics.flush();
  }
}

/** The thread's side: run one reconcile handler on the work queue until told to stop. */
export function runHandlerThread(): void {
  const port = parentPort;
  if (port === null) throw new Error("runHandlerThread runs only in a worker thread started by startHandlerThread");
  const data = workerData as HandlerThreadData;
  // One postMessage per event-loop turn, not per line or metric: each message wakes the main thread.
  let outbox: ThreadMessage[] = [];
  const send = () => {
    const messages = outbox;
    outbox = [];
    try {
      port.postMessage(messages);
    } catch {
      // A field structured clone refuses (a function, a class instance): send its JSON form instead.
      port.postMessage(JSON.parse(JSON.stringify(messages, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))));
    }
  };
  const post = (message: ThreadMessage) => {
    if (outbox.length === 0) setImmediate(send);
    outbox.push(message);
  };
  const logger = forwardingLogger(post, {});
  const metrics: FlushableMetrics = {
    count: (name, dimensions) => post(dimensions === undefined ? { type: "count", name } : { type: "count", name, dimensions }),
    milliseconds: (name, value) => post({ type: "milliseconds", name, value }),
    flush: () => post({ type: "flush" }),
  };
  const { scale, origin } = data.time;
  const timed = scale === 1 ? {} : { clock: scaledClock(scale, undefined, origin), wrapTimers: (timers: TimerQueue) => scaledTimers(timers, scale) };
  const client = localSqsClient(data.sqsEndpoint);
  const poller = startPoller({
    client,
    queueUrl: data.queueUrl,
    queueArn: data.queueArn,
    handler: createReconcileHandler(data.env, { logger, metrics, ...timed }),
    onError: pollerErrorLog(logger),
    functionTimeoutMs: data.functionTimeoutMs,
  });
  port.on("message", (message) => {
    if (message !== "stop") return;
    void poller.stop().then(() => {
      if (outbox.length > 0) send();
      client.destroy();
      process.exit(0); // ends this thread only; the cluster client's kept-alive sockets would hold it open
    });
  });
}

function forwardingLogger(post: (message: ThreadMessage) => void, bound: LogFields): Logger {
  const log = (level: Level) => (message: string, fields?: LogFields) => post({ type: "log", level, message, fields: { ...bound, ...fields } });
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: (fields) => forwardingLogger(post, { ...bound, ...fields }),
  };
}
