/**
 * Cost per reconcile at the physical limit: what one reconcile sends over the
 * wire and burns in the handler, and what that costs on AWS.
 *
 * The real reconcile and timer handlers (the code Lambda runs) work against the
 * embedded API server and fauxqs in a child process (bench/support/cost-infra.ts),
 * each behind a counting proxy, so this process's CPU time is the handlers'.
 * The local SQS poller stands in for the Lambda event source mapping. Triggers
 * are Widgets whose Workflow runs one ValueFunction and one ResourceFunction
 * managing a ConfigMap (test/e2e/fixtures/widget-program.yaml). Each scenario
 * runs BENCH_TRIGGERS (200) reconciles one at a time, one record per
 * invocation, like a quiet cluster (the upper bound of per-reconcile SQS and
 * invocation counts); the last runs first reconciles in full batches of the
 * deployed batchSize, as a busy cluster's event source delivers them: fuller
 * batches divide receives, deletes and invocations, and their triggers run side
 * by side, so the billed duration too.
 *
 * Scenarios: first reconcile (creates the ConfigMap), status-changing pass (the
 * timer-driven re-check after the create: Wait → Ready), no-op event (a label
 * changed: a new change hash, nothing to do) and no-op resync (timer-driven,
 * KOREO_RESYNC_SECONDS default 1200 s). Timer passes run the timer handler on
 * the armed message with the clock moved to its due time; the timer queue's
 * event-source receives/deletes and the ≤900 s re-hold hops of a 1200 s resync
 * are modelled (marked "model"), not measured.
 *
 * BENCH_SHOW_WRITES=1 also prints what the first API writes of each scenario changed.
 * Throughput with 1/2/4 handlers: bench/runtime.bench.ts; bundle: bench/bundle.bench.ts.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { SQS } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { parse } from "yaml";
import { createClientNodeCluster } from "../src/cluster/adapters/client-node.ts";
import { explicitKubeAccess } from "../src/cluster/adapters/kube-access.ts";
import type { ClusterApi, KubeObject } from "../src/cluster/cluster-api.ts";
import type { Env } from "../src/config/config.ts";
import type { FlushableMetrics } from "../src/lambda/observability.ts";
import { createReconcileHandler } from "../src/lambda/reconcile-handler.ts";
import { createTimerHandler } from "../src/lambda/timer-handler.ts";
import { applyManifests, readManifests } from "../src/local/apply.ts";
import { startPoller, toRecord, type Poller } from "../src/local/poller.ts";
import type { Clock } from "../src/ports/clock.ts";
import { silentLogger } from "../src/ports/logger.ts";
import { createSqsWorkQueue } from "../src/queue/adapters/sqs.ts";
import { encodeRequest, triggerRefOf, type ReconcileRequest, type TriggerRef } from "../src/queue/messages.ts";
import type { TimerQueue, WorkQueue } from "../src/queue/queue.ts";
import { changeHash } from "../src/reconciler/change-hash.ts";
import type { InfraAnswer, InfraReady, WireRequest } from "./support/cost-infra.ts";

// ─── Inputs: AWS public list prices, us-east-1, as of 2025-06 (from the public pricing pages as known then; check before quoting) ───
const PRICES = {
  /** Lambda arm64 duration, first 7.5 B GB-s a month. */
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1e6,
  /** Beyond the first million requests a month; a batch call (…Batch, up to 10 messages) is one request per 64 KiB. */
  sqsFifoPerRequest: 0.5 / 1e6,
  sqsStandardPerRequest: 0.4 / 1e6,
  /** X-Ray traces recorded (serverless.yml turns active tracing on by default). */
  xrayPerTrace: 5.0 / 1e6,
  cloudWatchLogsPerGb: 0.5,
} as const;
/** Assumption, not measured: one JSON log line plus the EMF metrics document per invocation. */
const LOG_BYTES_PER_INVOCATION = 700;
/** SQS holds a message at most this long per hop (src/queue/queue.ts MAX_DELAY_SECONDS). */
const MAX_HOP_SECONDS = 900;

const root = fileURLToPath(new URL("../", import.meta.url));
const NS = "koreo-e2e";
const TRIGGERS = Number(process.env.BENCH_TRIGGERS ?? 200);
const RESYNC_SECONDS = 1200;
const TRIGGER_PATH = `/apis/e2e.koreo.dev/v1/namespaces/${NS}/widgets`;
const MANAGED_PATH = `/api/v1/namespaces/${NS}/configmaps`;

// ─── serverless.yml: memory of the functions ───

interface FunctionMemory {
  readonly reconcileMb: number;
  readonly timerMb: number;
}

/** What serverless.yml deploys by default: the functions' memory and the reconcile event source's batch size. */
function deployedFromServerlessYml(): { memory: FunctionMemory; batchSize: number } {
  const doc: unknown = parse(readFileSync(`${root}serverless.yml`, "utf8"), { logLevel: "silent" });
  const at = (value: unknown, ...path: string[]): unknown =>
    path.reduce<unknown>((v, key) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined), value);
  const provider = Number(at(doc, "provider", "memorySize") ?? 1024);
  const of = (fn: string) => Number(at(doc, "functions", fn, "memorySize") ?? provider);
  return { memory: { reconcileMb: of("reconcile"), timerMb: of("timer") }, batchSize: Number(at(doc, "params", "default", "batchSize") ?? 10) };
}

// ─── the infrastructure process ───

interface Infra {
  readonly ready: InfraReady;
  take(): Promise<{ api: readonly WireRequest[]; sqs: readonly WireRequest[] }>;
  waitForEmptyWorkQueue(): Promise<void>;
  stop(): Promise<void>;
}

function ask<T extends InfraAnswer["type"]>(child: ChildProcess, type: T, request?: object): Promise<Extract<InfraAnswer, { type: T }>> {
  return new Promise((resolve) => {
    const onMessage = (message: InfraAnswer) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      resolve(message as Extract<InfraAnswer, { type: T }>);
    };
    child.on("message", onMessage);
    if (request) child.send(request);
  });
}

async function startInfra(): Promise<Infra> {
  const child = fork(fileURLToPath(new URL("./support/cost-infra.ts", import.meta.url)), { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const ready = await ask(child, "ready");
  return {
    ready,
    take: async () => await ask(child, "taken", { type: "take" }),
    async waitForEmptyWorkQueue() {
      // The poller deletes right after the handler returns; wait for it so the deletes land in this scenario.
      for (;;) {
        const depth = await ask(child, "depth", { type: "depth" });
        if (depth.ready + depth.inflight + depth.delayed === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () => new Promise<void>((resolve) => (child.once("exit", () => resolve()), child.send({ type: "stop" }))),
  };
}

// ─── handlers with CPU and wall time per invocation ───

interface HandlerStats {
  invocations: number;
  cpuMicros: number;
  wallMs: number;
  billedMs: number;
}

const zeroStats = (): HandlerStats => ({ invocations: 0, cpuMicros: 0, wallMs: 0, billedMs: 0 });

type Handler<E, R> = (event: E, context?: Context) => Promise<R>;

/** Adds each invocation's CPU and wall time to `stats` (invocations run one at a time here, so the process's CPU is theirs). */
function measured<E, R>(handler: Handler<E, R>, stats: () => HandlerStats, onDone: () => void = () => {}): Handler<E, R> {
  return async (event, context) => {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    try {
      return await handler(event, context);
    } finally {
      const wall = performance.now() - t0;
      const used = process.cpuUsage(cpu);
      const s = stats();
      s.invocations++;
      s.cpuMicros += used.user + used.system;
      s.wallMs += wall;
      s.billedMs += Math.ceil(wall); // Lambda bills duration rounded up to the millisecond
      onDone();
    }
  };
}

/** The timers the reconcile handler armed, latest per trigger, with when they were armed (the hop count of a resync). */
interface ArmedTimer {
  readonly request: ReconcileRequest;
  readonly armedAt: number;
}

interface Rig {
  readonly cluster: ClusterApi;
  readonly work: WorkQueue;
  readonly clock: Clock & { moveTo(ms: number): void };
  readonly armed: Map<string, ArmedTimer>;
  readonly reconcileStats: () => HandlerStats;
  readonly timerStats: () => HandlerStats;
  resetStats(): void;
  /** Resolves when the reconcile handler finished its next invocation. */
  nextInvocation(): Promise<void>;
  /** Runs the timer handler on one armed request, as the timer queue's event source would deliver it. */
  deliverTimer(request: ReconcileRequest): Promise<void>;
  stop(): Promise<void>;
}

const noFlush: FlushableMetrics = { count() {}, milliseconds() {}, flush() {} };

function controllableClock(): Clock & { moveTo(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, moveTo: (ms) => void (offset = ms - Date.now()) };
}

async function startRig(infra: Infra, batchSize: number): Promise<Rig> {
  const { ready } = infra;
  const env: Env = {
    KOREO_NAMESPACE: NS,
    RESOURCE_NAMESPACE: NS,
    KUBE_SERVER: ready.apiProxyUrl,
    SQS_ENDPOINT: ready.sqsProxyUrl,
    KOREO_WORK_QUEUE_URL: ready.workUrl,
    KOREO_TIMER_QUEUE_URL: ready.timerUrl,
    KOREO_RESYNC_SECONDS: String(RESYNC_SECONDS),
  };
  const clock = controllableClock();
  const armed = new Map<string, ArmedTimer>();
  const wrapTimers = (timers: TimerQueue): TimerQueue => ({
    async schedule(request, delaySeconds) {
      armed.set(request.trigger.uid, { request, armedAt: clock.now() });
      await timers.schedule(request, delaySeconds);
    },
  });
  let stats = { reconcile: zeroStats(), timer: zeroStats() };
  const waiters: Array<() => void> = [];
  const overrides = { logger: silentLogger, metrics: noFlush, clock, wrapTimers };
  const reconcile = measured<SQSEvent, SQSBatchResponse>(
    createReconcileHandler(env, overrides),
    () => stats.reconcile,
    () => waiters.shift()?.(),
  );
  const timer = measured(createTimerHandler(env, overrides), () => stats.timer);
  const sqs = new SQS({ endpoint: ready.sqsProxyUrl, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const poller: Poller = startPoller({ client: sqs, queueUrl: ready.workUrl, queueArn: ready.workArn, handler: reconcile, batchSize });
  return {
    cluster: createClientNodeCluster(explicitKubeAccess(ready.apiUrl)),
    work: createSqsWorkQueue(sqs, ready.workUrl),
    clock,
    armed,
    reconcileStats: () => stats.reconcile,
    timerStats: () => stats.timer,
    resetStats: () => void (stats = { reconcile: zeroStats(), timer: zeroStats() }),
    nextInvocation: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async deliverTimer(request) {
      const message = { MessageId: `timer-${request.trigger.uid}`, ReceiptHandle: "local", Body: encodeRequest(request), Attributes: {} };
      await timer({ Records: [toRecord(message, ready.timerArn)] });
    },
    async stop() {
      await poller.stop();
      sqs.destroy();
    },
  };
}

// ─── scenarios ───

interface Measured {
  readonly name: string;
  readonly reconciles: number;
  readonly api: readonly WireRequest[];
  readonly sqs: readonly WireRequest[];
  readonly reconcile: HandlerStats;
  readonly timer: HandlerStats;
  /** Modelled timer-queue traffic per reconcile: messages the timer function handles (each 1 receive + 1 delete + 1 invocation). */
  readonly timerMessagesPerReconcile: number;
  /** Of which re-holds (a SendMessage each, not run here). */
  readonly reholdsPerReconcile: number;
}

function widget(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name, namespace: NS, labels }, spec: { value: "v" } };
}

async function must<T>(result: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/**
 * Runs `step` for each item one at a time, each followed by one reconcile invocation, and collects
 * what it cost; `reconciles` when an item is more than one (a batch).
 */
async function scenario<T>(
  rig: Rig,
  infra: Infra,
  name: string,
  items: readonly T[],
  step: (item: T) => Promise<void>,
  reconciles = items.length,
): Promise<Measured> {
  await infra.take();
  rig.resetStats();
  for (const item of items) {
    const done = rig.nextInvocation();
    await step(item);
    await done;
  }
  await infra.waitForEmptyWorkQueue();
  const { api, sqs } = await infra.take();
  return {
    name,
    reconciles,
    api,
    sqs,
    reconcile: rig.reconcileStats(),
    timer: rig.timerStats(),
    timerMessagesPerReconcile: 0,
    reholdsPerReconcile: 0,
  };
}

function triggerRefOrThrow(object: KubeObject): TriggerRef {
  const ref = triggerRefOf(object);
  if (!ref) throw new Error("no trigger ref");
  return ref;
}

/** The relay's part: one event request with the hash it saw. */
async function sendEvent(rig: Rig, ref: TriggerRef): Promise<void> {
  const live = await must(rig.cluster.get({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: NS }));
  await rig.work.enqueue([{ trigger: ref, reason: "event", hash: changeHash(live) }]);
}

/** A timer-driven pass: every trigger's armed timer, in due order, with the clock at its due time (the gate's Ok window is 5 s). */
async function timerPass(rig: Rig, infra: Infra, name: string, refs: readonly TriggerRef[]): Promise<Measured> {
  const timers = refs.map((ref) => rig.armed.get(ref.uid)).filter((t): t is ArmedTimer => t !== undefined);
  timers.sort((a, b) => (a.request.dueAt ?? 0) - (b.request.dueAt ?? 0));
  const hops = timers.map((t) => Math.max(1, Math.ceil(((t.request.dueAt ?? t.armedAt) - t.armedAt) / 1000 / MAX_HOP_SECONDS)));
  const measured = await scenario(rig, infra, name, timers, async (t) => {
    rig.clock.moveTo((t.request.dueAt ?? Date.now()) + 100);
    await rig.deliverTimer(t.request);
  });
  const total = hops.reduce((a, b) => a + b, 0);
  return {
    ...measured,
    timerMessagesPerReconcile: total / Math.max(1, timers.length),
    reholdsPerReconcile: (total - timers.length) / Math.max(1, timers.length),
  };
}

async function warmUp(rig: Rig, infra: Infra): Promise<number> {
  const ref = triggerRefOrThrow(await must(rig.cluster.apply(widget("warm-up"), { fieldManager: "bench", force: true })));
  await infra.take();
  const done = rig.nextInvocation();
  await sendEvent(rig, ref);
  await done;
  await infra.waitForEmptyWorkQueue();
  const { api } = await infra.take();
  // The cold container's definitions load: LISTs of the definition kinds, repeated by each container every TTL while busy.
  return api.filter((r) => r.method === "GET" && r.path.startsWith("/apis/koreo.dev/") && isCollection(r.path)).length;
}

async function runScenarios(rig: Rig, infra: Infra, batchSize: number): Promise<{ results: Measured[]; resync: Measured; definitionLists: number }> {
  const definitionLists = await warmUp(rig, infra);
  const refs: TriggerRef[] = [];
  const create = await scenario(rig, infra, "first reconcile (create)", [...Array(TRIGGERS).keys()], async (i) => {
    const ref = triggerRefOrThrow(await must(rig.cluster.apply(widget(`w${i}`), { fieldManager: "bench", force: true })));
    refs.push(ref);
    await sendEvent(rig, ref);
  });
  const status = await timerPass(rig, infra, "status-changing pass (timer: Wait → Ready)", refs);
  const event = await scenario(rig, infra, "no-op event (label changed)", refs, async (ref) => {
    await must(rig.cluster.mergePatch({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: NS }, { metadata: { labels: { note: "x" } } }));
    await sendEvent(rig, ref);
  });
  const resync = await timerPass(rig, infra, `no-op resync (timer, ${RESYNC_SECONDS} s)`, refs);
  // A busy cluster: the relay's events arrive in SendMessageBatch calls and the event source hands
  // the handler full batches, whose triggers run side by side (src/lambda/sqs-batch.ts).
  const chunks = Array.from({ length: Math.ceil(TRIGGERS / batchSize) }, (_, c) => [...Array(batchSize).keys()].map((i) => c * batchSize + i));
  const busy = await scenario(
    rig,
    infra,
    `first reconcile, ${batchSize} per batch`,
    chunks,
    async (chunk) => {
      const created = await Promise.all(chunk.map((i) => must(rig.cluster.apply(widget(`b${i}`), { fieldManager: "bench", force: true }))));
      await rig.work.enqueue(created.map((object) => ({ trigger: triggerRefOrThrow(object), reason: "event" as const, hash: changeHash(object) })));
    },
    chunks.length * batchSize,
  );
  return { results: [create, status, event, resync, busy], resync, definitionLists };
}

// ─── report ───

/** After the group-version prefix: `[namespaces/<ns>/]<plural>` is a collection (a GET there is a LIST), one more segment an object. */
function isCollection(path: string): boolean {
  const segments = path.split("/").filter((s) => s !== "");
  const rest = segments.slice(segments[0] === "api" ? 2 : 3);
  return rest[0] === "namespaces" && rest.length >= 3 ? rest.length === 3 : rest.length === 1;
}

function apiKey(r: WireRequest): string {
  const verb = r.method === "GET" && isCollection(r.path) ? "LIST" : r.method;
  if (r.path.startsWith(`${TRIGGER_PATH}/`)) return `API ${verb} trigger`;
  if (r.path.startsWith(`${MANAGED_PATH}/`) || r.path === MANAGED_PATH) return `API ${verb} managed`;
  if (r.path.includes("/events")) return `API ${verb} event`;
  return `API ${verb} other (discovery, definitions)`;
}

function sqsKey(r: WireRequest): string {
  if (r.action !== "ReceiveMessage") return `SQS ${r.action}`;
  return r.answerHead.includes("Messages") ? "SQS ReceiveMessage" : "SQS ReceiveMessage (empty, idle poll)";
}

function countBy(requests: readonly WireRequest[], key: (r: WireRequest) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return counts;
}

const perReconcile = (m: Measured, n: number) => n / Math.max(1, m.reconciles);
const fixed = (n: number, digits = 2) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));

/** SQS requests per reconcile, split by price class: the work queue is FIFO, the timer queue standard. */
function sqsRequests(m: Measured): { fifo: number; standard: number } {
  const emptyPolls = (r: WireRequest) => r.action === "ReceiveMessage" && !r.answerHead.includes("Messages");
  const measured = m.sqs.filter((r) => !emptyPolls(r));
  const standard = measured.filter((r) => r.action === "SendMessage").length; // only the timer queue gets single sends
  const fifo = measured.length - standard;
  // Model: the timer function's event source receives and deletes each timer message; a re-hold sends it again.
  const modelled = m.timerMessagesPerReconcile * 2 + m.reholdsPerReconcile;
  return { fifo: perReconcile(m, fifo), standard: perReconcile(m, standard) + modelled };
}

interface Dollars {
  readonly lambda: number;
  /** The same if the billed duration were the handlers' CPU time only (no waiting on the API server or SQS). */
  readonly lambdaCpuOnly: number;
  readonly sqsFifo: number;
  readonly sqsStandard: number;
  readonly xray: number;
  readonly logs: number;
}

function dollarsPerMillion(m: Measured, memory: FunctionMemory): Dollars {
  const gbSeconds = (ms: number, mb: number) => (ms / 1000) * (mb / 1024);
  const perInvocation = (total: number, s: HandlerStats) => (s.invocations === 0 ? 0 : total / s.invocations);
  // Re-holds are timer invocations like the forwarding one measured here.
  const timerInvocations = m.timerMessagesPerReconcile;
  const invocations = m.reconcile.invocations / m.reconciles + timerInvocations;
  const duration = (reconcileMs: number, timerMs: number) => gbSeconds(reconcileMs, memory.reconcileMb) + timerInvocations * gbSeconds(timerMs, memory.timerMb);
  const billed = duration(m.reconcile.billedMs / m.reconciles, perInvocation(m.timer.billedMs, m.timer));
  const cpuOnly = duration(m.reconcile.cpuMicros / 1000 / m.reconciles, perInvocation(m.timer.cpuMicros / 1000, m.timer));
  const lambda = (gbs: number) => 1e6 * (gbs * PRICES.lambdaArmPerGbSecond + invocations * PRICES.lambdaPerRequest);
  const sqs = sqsRequests(m);
  return {
    lambda: lambda(billed),
    lambdaCpuOnly: lambda(cpuOnly),
    sqsFifo: 1e6 * sqs.fifo * PRICES.sqsFifoPerRequest,
    sqsStandard: 1e6 * sqs.standard * PRICES.sqsStandardPerRequest,
    xray: 1e6 * invocations * PRICES.xrayPerTrace,
    logs: 1e6 * ((invocations * LOG_BYTES_PER_INVOCATION) / 1024 ** 3) * PRICES.cloudWatchLogsPerGb,
  };
}

type Rows = Record<string, Record<string, string>>;

function addRow(rows: Rows, label: string, m: Measured, value: string): void {
  (rows[label] ??= {})[m.name] = value;
}

function callRows(rows: Rows, results: readonly Measured[]): void {
  const keys = (pick: (m: Measured) => Map<string, number>) => [...new Set(results.flatMap((m) => [...pick(m).keys()]))].sort();
  const apiKeys = keys((m) => countBy(m.api, apiKey));
  const sqsKeys = keys((m) => countBy(m.sqs, sqsKey));
  for (const m of results) {
    const api = countBy(m.api, apiKey);
    const sqs = countBy(m.sqs, sqsKey);
    for (const k of apiKeys) addRow(rows, k, m, fixed(perReconcile(m, api.get(k) ?? 0)));
    const writes = m.api.filter((r) => r.method !== "GET").length;
    addRow(rows, "API calls total (writes)", m, `${fixed(perReconcile(m, m.api.length))} (${fixed(perReconcile(m, writes))})`);
    addRow(rows, "API bytes sent / received", m, `${fixed(perReconcile(m, sum(m.api, "bytesIn")), 0)} / ${fixed(perReconcile(m, sum(m.api, "bytesOut")), 0)}`);
    for (const k of sqsKeys) addRow(rows, k, m, fixed(perReconcile(m, sqs.get(k) ?? 0)));
    addRow(rows, "SQS timer-queue receive+delete (model)", m, fixed(m.timerMessagesPerReconcile * 2));
    addRow(rows, "SQS timer re-hold SendMessage (model)", m, fixed(m.reholdsPerReconcile));
    addRow(rows, "SQS bytes sent / received", m, `${fixed(perReconcile(m, sum(m.sqs, "bytesIn")), 0)} / ${fixed(perReconcile(m, sum(m.sqs, "bytesOut")), 0)}`);
  }
}

function sum(requests: readonly WireRequest[], field: "bytesIn" | "bytesOut"): number {
  return requests.reduce((total, r) => total + r[field], 0);
}

function report(results: readonly Measured[], resync: Measured, memory: FunctionMemory, definitionLists: number): void {
  const rows: Rows = {};
  for (const m of results) {
    addRow(rows, "reconciles (per invocation)", m, `${m.reconciles} (${fixed(m.reconciles / Math.max(1, m.reconcile.invocations))})`);
    addRow(rows, "reconcile handler CPU ms", m, (m.reconcile.cpuMicros / 1000 / m.reconciles).toFixed(2));
    addRow(
      rows,
      "reconcile handler wall ms (billed)",
      m,
      `${(m.reconcile.wallMs / m.reconciles).toFixed(2)} (${(m.reconcile.billedMs / m.reconciles).toFixed(1)})`,
    );
    const timerPer =
      m.timer.invocations === 0 ? "–" : `${(m.timer.cpuMicros / 1000 / m.timer.invocations).toFixed(2)} / ${(m.timer.wallMs / m.timer.invocations).toFixed(2)}`;
    addRow(rows, "timer handler CPU / wall ms", m, timerPer);
  }
  callRows(rows, results);
  for (const m of results) {
    const d = dollarsPerMillion(m, memory);
    addRow(rows, `$/M Lambda (arm64, ${memory.reconcileMb}/${memory.timerMb} MB)`, m, d.lambda.toFixed(3));
    addRow(rows, "$/M Lambda if billed = CPU time (physical limit)", m, d.lambdaCpuOnly.toFixed(3));
    addRow(rows, "$/M SQS FIFO", m, d.sqsFifo.toFixed(3));
    addRow(rows, "$/M SQS standard", m, d.sqsStandard.toFixed(3));
    addRow(rows, "$/M total (Lambda + SQS)", m, (d.lambda + d.sqsFifo + d.sqsStandard).toFixed(3));
    addRow(rows, "$/M X-Ray, every invocation traced (upper bound)", m, d.xray.toFixed(3));
    addRow(rows, `$/M CloudWatch Logs (assumed ${LOG_BYTES_PER_INVOCATION} B/invocation)`, m, d.logs.toFixed(3));
  }
  console.log(
    `\nPer reconcile (means over ${TRIGGERS} triggers; one record per invocation but in the last column). Prices: list, us-east-1, as of 2025-06 (inputs at the top of bench/cost.bench.ts).`,
  );
  console.table(rows);
  showWrites(results);
  quietLoad(resync, memory, definitionLists);
}

/** BENCH_SHOW_WRITES=1: the first API write of each scenario's first reconcile, to see what a pass changed. */
function showWrites(results: readonly Measured[]): void {
  if (!process.env.BENCH_SHOW_WRITES) return;
  for (const m of results) {
    const writes = m.api.filter((r) => r.written !== undefined).slice(0, 4);
    console.log(`\n${m.name}:`, writes.length === 0 ? "no writes" : "");
    for (const w of writes) console.log(`  ${w.method} ${w.path}: ${(w.written ?? "").slice(0, 400)}`);
  }
}

/** API-server load and monthly cost of N quiet triggers: one no-op resync each per RESYNC_SECONDS (±10 % jitter averages out). */
function quietLoad(resync: Measured, memory: FunctionMemory, definitionLists: number): void {
  const perPass = resync.api.filter((r) => !apiKey(r).includes("other")).length / resync.reconciles;
  const d = dollarsPerMillion(resync, memory);
  const perMillion = d.lambda + d.sqsFifo + d.sqsStandard;
  const monthSeconds = 30 * 24 * 3600;
  const table: Rows = {};
  for (const n of [1_000, 10_000, 100_000]) {
    const reconcilesPerMonth = (n * monthSeconds) / RESYNC_SECONDS;
    table[`${n.toLocaleString("en-US")} quiet triggers`] = {
      "API QPS (resync)": ((n * perPass) / RESYNC_SECONDS).toFixed(2),
      "reconciles / month": Math.round(reconcilesPerMonth).toLocaleString("en-US"),
      "$ / month (Lambda + SQS)": ((reconcilesPerMonth / 1e6) * perMillion).toFixed(2),
    };
  }
  console.log(
    `\nQuiet triggers at the default resync (${RESYNC_SECONDS} s): ${fixed(perPass)} API calls per no-op resync pass. ` +
      `Plus, per busy container, ${definitionLists} definition LISTs per KOREO_DEFINITIONS_TTL_SECONDS (10 s), whatever the trigger count.`,
  );
  console.table(table);
}

// ─── main ───

const { memory, batchSize } = deployedFromServerlessYml();
const infra = await startInfra();
const setup = createClientNodeCluster(explicitKubeAccess(infra.ready.apiUrl));
await must(setup.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, { fieldManager: "bench" }));
await applyManifests(setup, readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]));
const rig = await startRig(infra, batchSize);
try {
  console.error(`… ${TRIGGERS} triggers × 5 scenarios`);
  const { results, resync, definitionLists } = await runScenarios(rig, infra, batchSize);
  report(results, resync, memory, definitionLists);
} finally {
  await rig.stop();
  await infra.stop();
}
