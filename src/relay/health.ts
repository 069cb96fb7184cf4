/**
 * The relay's health, computed (pure) from the watches and the sender:
 * ready when every watch is established or in a bounded retry (never given up,
 * done with its first attempt) and the sender can send (its last attempt
 * succeeded and its buffer has room). A trigger kind answering 403/404 is a
 * bounded retry: reported in the log and the metrics, not a reason to stop
 * serving the other kinds. Also renders the Prometheus text for /metrics, where
 * stuck states (the API server unreachable for minutes, the work queue missing or
 * SQS refusing or unreachable for minutes) are a gauge and a counter by cause, the
 * thing to alert on, while the logs carry one line per state change.
 */
import type { SenderStatus } from "./sender.ts";
import type { WatchEntry } from "./watch-health.ts";

export interface RelaySnapshot {
  readonly watches: readonly WatchEntry[];
  readonly sender: SenderStatus;
  readonly errorCounts: ReadonlyMap<string, number>;
  readonly relists: number;
  readonly apiOutage: boolean;
  /** The API server unreachable for longer than the stuck threshold (watch-health.ts `apiStuck`). */
  readonly apiStuck?: ApiStuck;
}

/** How long a failure must last before it is a stuck state (ERROR + metric) rather than a blip; KOREO_RELAY_STUCK_AFTER_SECONDS. */
export const DEFAULT_STUCK_AFTER_MS = 5 * 60_000;

export type SenderStuckCause = "queue-missing" | "sqs-rejected" | "sqs-unreachable";
export type StuckCause = "api-unreachable" | SenderStuckCause;
const STUCK_CAUSES: readonly StuckCause[] = ["api-unreachable", "queue-missing", "sqs-rejected", "sqs-unreachable"];

export interface ApiStuck {
  /** Since when (epoch ms), while stuck. */
  readonly since?: number;
  /** Stuck states entered since start. */
  readonly episodes: number;
}

/** The stuck states the relay is in now. */
export function stuckCauses(snapshot: RelaySnapshot): StuckCause[] {
  const causes: StuckCause[] = [];
  if (snapshot.apiStuck?.since !== undefined) causes.push("api-unreachable");
  if (snapshot.sender.stuck !== undefined) causes.push(snapshot.sender.stuck.cause);
  return causes;
}

export interface Readiness {
  readonly ready: boolean;
  readonly problems: readonly string[];
}

export function readinessOf(snapshot: RelaySnapshot): Readiness {
  const problems: string[] = [];
  for (const watch of snapshot.watches) {
    if (watch.status.phase === "starting") problems.push(`${watch.kind} in ${watch.namespace || "*"}: not listed yet`);
    if (watch.status.phase === "gave-up") problems.push(`${watch.kind} in ${watch.namespace || "*"}: gave up`);
  }
  const { sender } = snapshot;
  if (sender.failing) problems.push(`sends failing (${sender.lastFailure?.code ?? "?"}, ${sender.consecutiveFailures} attempts)`);
  if (sender.buffered >= sender.limit) problems.push(`send buffer full (${sender.buffered}/${sender.limit})`);
  return { ready: problems.length === 0, problems };
}

/** The /readyz body: the verdict, the buffer and every watch's state. */
export function readinessReport(snapshot: RelaySnapshot): Record<string, unknown> {
  const readiness = readinessOf(snapshot);
  return {
    ready: readiness.ready,
    problems: readiness.problems,
    sender: snapshot.sender,
    apiOutage: snapshot.apiOutage,
    stuck: stuckCauses(snapshot),
    watches: snapshot.watches.map((w) => ({
      role: w.role,
      apiVersion: w.apiVersion,
      kind: w.kind,
      namespace: w.namespace,
      phase: w.status.phase,
      errors: w.status.errors,
      ...(w.status.lastError === undefined ? {} : { reason: w.status.lastError.reason, error: w.status.lastError.message }),
    })),
  };
}

export function metricsText(snapshot: RelaySnapshot, eventLoopDelayP99Ms: number): string {
  const { sender } = snapshot;
  const lines = [
    gauge("koreo_relay_ready", "1 when /readyz answers 200.", readinessOf(snapshot).ready ? 1 : 0),
    gauge("koreo_relay_buffered_requests", "Requests held for sending (sent ones leave once SQS acknowledged them).", sender.buffered),
    gauge("koreo_relay_buffer_limit", "The send buffer's bound.", sender.limit),
    gauge("koreo_relay_send_failing", "1 while the last send attempt failed.", sender.failing ? 1 : 0),
    counter("koreo_relay_sent_total", "Requests SQS acknowledged.", sender.sent),
    counter("koreo_relay_overflowed_total", "Requests dropped because the buffer was full; recovered by a re-list.", sender.overflowed),
    counter("koreo_relay_send_failures_total", "Failed send attempts.", sender.failures),
    counter("koreo_relay_relists_total", "Re-lists asked for after an overflow.", snapshot.relists),
    gauge("koreo_relay_api_outage", "1 while the Kubernetes API server is unreachable.", snapshot.apiOutage ? 1 : 0),
    gauge("koreo_relay_event_loop_delay_p99_seconds", "Event loop delay, 99th percentile.", eventLoopDelayP99Ms / 1000),
    "# HELP koreo_relay_stuck 1 while the relay is in a stuck state no retry fixes: API server unreachable for minutes, work queue missing, SQS refusing sends or unreachable for minutes.",
    "# TYPE koreo_relay_stuck gauge",
    ...STUCK_CAUSES.map((cause) => `koreo_relay_stuck{${labels({ cause })}} ${stuckCauses(snapshot).includes(cause) ? 1 : 0}`),
    "# HELP koreo_relay_stuck_episodes_total Stuck states entered since start, by cause.",
    "# TYPE koreo_relay_stuck_episodes_total counter",
    ...STUCK_CAUSES.map((cause) => `koreo_relay_stuck_episodes_total{${labels({ cause })}} ${stuckEpisodes(snapshot, cause)}`),
    "# HELP koreo_relay_watch_up 1 while the watch is established.",
    "# TYPE koreo_relay_watch_up gauge",
    ...snapshot.watches.map(
      (w) =>
        `koreo_relay_watch_up{${labels({ role: w.role, api_version: w.apiVersion, kind: w.kind, namespace: w.namespace, phase: w.status.phase })}} ${w.status.phase === "watching" ? 1 : 0}`,
    ),
    "# HELP koreo_relay_watch_errors_total Failed list/watch attempts by kind and reason (Forbidden: RBAC; NotFound: CRD missing).",
    "# TYPE koreo_relay_watch_errors_total counter",
    ...[...snapshot.errorCounts].map(([key, count]) => {
      const [kind = "", namespace = "", reason = ""] = key.split("|");
      return `koreo_relay_watch_errors_total{${labels({ kind, namespace, reason })}} ${count}`;
    }),
  ];
  return `${lines.join("\n")}\n`;
}

function stuckEpisodes(snapshot: RelaySnapshot, cause: StuckCause): number {
  return cause === "api-unreachable" ? (snapshot.apiStuck?.episodes ?? 0) : (snapshot.sender.stuckEpisodes?.[cause] ?? 0);
}

function gauge(name: string, help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}`;
}

function counter(name: string, help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} counter\n${name} ${value}`;
}

function labels(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`)
    .join(",");
}
