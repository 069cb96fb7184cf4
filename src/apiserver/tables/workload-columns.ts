/**
 * Pod and Job columns, following kube-apiserver's printers (printPod, printJob):
 * READY counts ready running containers, STATUS is the most telling container
 * reason, RESTARTS adds how long ago the last one was.
 */
import { isObject, meta, str, type Json, type JsonObject } from "../json.ts";
import { AGE_COLUMN, column, TEMPLATE_CONTAINER_COLUMNS, type Column } from "./builtin-columns.ts";
import { ageOf, humanDuration } from "./duration.ts";

function obj(v: Json | undefined): JsonObject {
  return isObject(v) ? v : {};
}

function list(v: Json | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

interface PodSummary {
  readonly ready: number;
  readonly total: number;
  readonly reason: string;
  readonly restarts: number;
  /** When the last restarted container last terminated, if known. */
  readonly lastRestart?: string;
}

/** One container status's contribution to the pod's STATUS. */
function containerReason(cs: JsonObject): string | undefined {
  const state = obj(cs["state"]);
  const waiting = obj(state["waiting"]);
  const terminated = isObject(state["terminated"]) ? state["terminated"] : undefined;
  if (str(waiting["reason"])) return str(waiting["reason"]);
  if (terminated === undefined) return undefined;
  if (str(terminated["reason"])) return str(terminated["reason"]);
  return typeof terminated["signal"] === "number" && terminated["signal"] !== 0
    ? `Signal:${terminated["signal"]}`
    : `ExitCode:${String(terminated["exitCode"] ?? 0)}`;
}

export function summarizePod(pod: JsonObject): PodSummary {
  const status = obj(pod["status"]);
  let reason = str(status["reason"]) || str(status["phase"]) || "";
  let ready = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  let running = false;
  for (const cs of list(status["containerStatuses"]).reverse()) {
    restarts += typeof cs["restartCount"] === "number" ? cs["restartCount"] : 0;
    const finished = str(obj(obj(cs["lastState"])["terminated"])["finishedAt"]);
    if (finished !== undefined && (lastRestart === undefined || finished > lastRestart)) lastRestart = finished;
    const why = containerReason(cs);
    if (why !== undefined) reason = why;
    else if (cs["ready"] === true && isObject(obj(cs["state"])["running"])) {
      running = true;
      ready++;
    }
  }
  if (reason === "Completed" && running)
    reason = list(status["conditions"]).some((c) => c["type"] === "Ready" && c["status"] === "True") ? "Running" : "NotReady";
  if (typeof meta(pod)["deletionTimestamp"] === "string") reason = status["reason"] === "NodeLost" ? "Unknown" : "Terminating";
  const total = list(obj(pod["spec"])["containers"]).length;
  return { ready, total, reason, restarts, ...(lastRestart === undefined ? {} : { lastRestart }) };
}

function restartsText(s: PodSummary, now: Date): string {
  if (s.restarts === 0 || s.lastRestart === undefined) return String(s.restarts);
  return `${s.restarts} (${ageOf(s.lastRestart, now)} ago)`;
}

function readinessGates(pod: JsonObject): string {
  const gates = list(obj(pod["spec"])["readinessGates"]);
  if (gates.length === 0) return "<none>";
  const conditions = list(obj(pod["status"])["conditions"]);
  const met = gates.filter((g) => conditions.some((c) => c["type"] === g["conditionType"] && c["status"] === "True")).length;
  return `${met}/${gates.length}`;
}

const orNone = (v: Json | undefined): string => str(v) || "<none>";

export const POD_COLUMNS: Column[] = [
  column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic.", (o) => {
    const s = summarizePod(o);
    return `${s.ready}/${s.total}`;
  }),
  column("Status", "string", "The aggregate status of the containers in this pod.", (o) => summarizePod(o).reason),
  column(
    "Restarts",
    "string",
    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    (o, now) => restartsText(summarizePod(o), now),
  ),
  AGE_COLUMN,
  column("IP", "string", "IP address allocated to the pod. Routable at least within the cluster.", (o) => orNone(obj(o["status"])["podIP"]), 1),
  column("Node", "string", "Name of the node this pod is scheduled on.", (o) => orNone(obj(o["spec"])["nodeName"]), 1),
  column("Nominated Node", "string", "Name of the node this pod is nominated to run on.", (o) => orNone(obj(o["status"])["nominatedNodeName"]), 1),
  column("Readiness Gates", "string", "Pod readiness gates and how many of them are met.", readinessGates, 1),
];

function jobStatus(job: JsonObject): string {
  const conditions = list(obj(job["status"])["conditions"]).filter((c) => c["status"] === "True");
  const has = (type: string): boolean => conditions.some((c) => c["type"] === type);
  if (has("Complete")) return "Complete";
  if (has("Failed")) return "Failed";
  if (typeof meta(job)["deletionTimestamp"] === "string") return "Terminating";
  if (has("FailureTarget")) return "FailureTarget";
  if (has("SuccessCriteriaMet")) return "SuccessCriteriaMet";
  if (has("Suspended")) return "Suspended";
  return "Running";
}

function completions(job: JsonObject): string {
  const spec = obj(job["spec"]);
  const succeeded = obj(job["status"])["succeeded"] ?? 0;
  if (typeof spec["completions"] === "number") return `${String(succeeded)}/${spec["completions"]}`;
  const parallelism = typeof spec["parallelism"] === "number" ? spec["parallelism"] : 0;
  return parallelism > 1 ? `${String(succeeded)}/1 of ${parallelism}` : `${String(succeeded)}/1`;
}

function duration(job: JsonObject, now: Date): string {
  const status = obj(job["status"]);
  const start = str(status["startTime"]);
  if (start === undefined) return "";
  const end = str(status["completionTime"]);
  return humanDuration((end === undefined ? now.getTime() : Date.parse(end)) - Date.parse(start));
}

export const JOB_COLUMNS: Column[] = [
  column("Status", "string", "Status of the job.", jobStatus),
  column("Completions", "string", "The desired number of successfully finished pods the job should be run with.", completions),
  column("Duration", "string", "Time required to complete the job.", duration),
  AGE_COLUMN,
  ...TEMPLATE_CONTAINER_COLUMNS,
  column("Selector", "string", "Selector of the job.", (o) => selectorOf(obj(obj(o["spec"])["selector"])), 1),
];

function selectorOf(selector: JsonObject): string {
  const pairs = Object.entries(obj(selector["matchLabels"])).map(([k, v]) => `${k}=${String(v)}`);
  return pairs.length === 0 ? "<none>" : pairs.join(",");
}
