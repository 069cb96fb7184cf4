/**
 * The simulated workload controllers of the local stack (`koreo start`). The
 * embedded API server stores objects but runs no controllers and no kubelet, so a
 * Deployment would never report available replicas (a Workflow waiting for them,
 * like the example's `webapp-service`, would wait forever) and a Pod would stay
 * Pending. This stand-in watches both kinds and writes, through `/status` when the
 * kind serves it, what a real cluster reports once the work is done:
 * - apps/v1 Deployments: fully rolled out — `replicas`, `readyReplicas`,
 *   `availableReplicas`, `updatedReplicas` = `spec.replicas` (default 1),
 *   `observedGeneration` = `metadata.generation`, and the `Available`
 *   (MinimumReplicasAvailable) and `Progressing` (NewReplicaSetAvailable) conditions
 *   the Deployment controller writes, so `kubectl rollout status` succeeds;
 * - v1 Pods: Running, every container ready and started, with the four conditions
 *   and the addresses a kubelet reports (`kubectl get pods` shows 1/1 Running).
 * It creates nothing: a Deployment gets no ReplicaSet and no Pods. Never used on Lambda.
 */
import { createHash } from "node:crypto";
import type { KubeObject, WatchableClusterApi } from "../cluster/index.ts";
import type { Logger } from "../ports/index.ts";
import { isList, isMap, toJsonText, type Value, type ValueMap } from "../value/index.ts";

export interface WorkloadSimulator {
  /** Status writes so far (Deployments and Pods). */
  readonly settled: () => number;
  stop(): Promise<void>;
}

/** One simulated controller: the kind it watches and the status it reports, undefined when already reported. */
interface SimulatedKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly status: (object: KubeObject, now: Date) => ValueMap | undefined;
}

const FIELD_MANAGER = "koreo-start-simulated-deployment-controller";
const SIMULATED: readonly SimulatedKind[] = [
  { apiVersion: "apps/v1", kind: "Deployment", status: deploymentStatusPatch },
  { apiVersion: "v1", kind: "Pod", status: podStatusPatch },
];

export function startWorkloadSimulator(cluster: WatchableClusterApi, logger: Logger, restartMs = 500): WorkloadSimulator {
  let settled = 0;
  const loops = SIMULATED.map((kind) => simulate(cluster, logger, kind, restartMs, () => settled++));
  return {
    settled: () => settled,
    async stop() {
      await Promise.all(loops.map((loop) => loop.stop()));
    },
  };
}

/** List, then watch from there, settling each object; on a dropped watch, start again after `restartMs`. */
function simulate(cluster: WatchableClusterApi, logger: Logger, kind: SimulatedKind, restartMs: number, onSettled: () => void) {
  let running = true;
  let stopWatch = () => {};
  let wake = () => {};
  const settle = async (object: KubeObject) => {
    const patch = kind.status(object, new Date());
    const metadata = isMap(object.metadata) ? object.metadata : {};
    const { name, namespace } = metadata;
    if (patch === undefined || typeof name !== "string" || typeof namespace !== "string") return;
    const info = await cluster.discover(kind.apiVersion, kind.kind);
    const subresource = info.ok && info.value.hasStatus ? { subresource: "status" as const } : {};
    const ref = { apiVersion: kind.apiVersion, kind: kind.kind, name, namespace };
    const patched = await cluster.mergePatch(ref, patch, { fieldManager: FIELD_MANAGER, ...subresource });
    if (patched.ok) onSettled();
    else if (patched.error.reason !== "NotFound")
      logger.warn(`Simulated ${kind.kind} controller could not update ${namespace}/${name}.`, { error: patched.error.message });
  };
  // Settle one object at a time: each write is followed by its own MODIFIED event, which then finds nothing to do.
  let queue = Promise.resolve();
  const enqueue = (object: KubeObject) => (queue = queue.then(() => settle(object)).catch(() => {}));

  const loop = (async () => {
    while (running) {
      const listed = await cluster.list(kind.apiVersion, kind.kind);
      if (listed.ok) {
        listed.value.items.forEach(enqueue);
        const watch = await cluster.watch(kind.apiVersion, kind.kind, { resourceVersion: listed.value.resourceVersion }, (event) => {
          if (event.type === "ADDED" || event.type === "MODIFIED") enqueue(event.object);
        });
        if (watch.ok) {
          stopWatch = () => watch.value.stop();
          if (running) await watch.value.done;
        }
      }
      if (running) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, restartMs).unref()));
    }
    await queue;
  })();
  return {
    async stop() {
      running = false;
      stopWatch();
      wake();
      await loop;
    },
  };
}

/** The replica counts a finished rollout reports, or undefined when the Deployment already reports them (conditions aside). */
export function statusPatch(deployment: KubeObject): ValueMap | undefined {
  const wanted = replicaCounts(deployment);
  return countsCurrent(deployment, wanted) ? undefined : { status: wanted };
}

/**
 * Everything the Deployment controller writes once a rollout is complete, or undefined when the
 * Deployment already reports it. Conditions already in place keep their timestamps, as the
 * controller keeps them while their status does not change.
 */
export function deploymentStatusPatch(deployment: KubeObject, now: Date = new Date()): ValueMap | undefined {
  const counts = replicaCounts(deployment);
  const existing = conditionsOf(deployment);
  const wanted = [
    condition(existing, "Available", "MinimumReplicasAvailable", "Deployment has minimum availability.", now),
    condition(existing, "Progressing", "NewReplicaSetAvailable", `ReplicaSet "${replicaSetName(deployment)}" has successfully progressed.`, now),
  ];
  const conditionsCurrent = wanted.every((c) => existing.some((e) => sameCondition(e, c)));
  if (countsCurrent(deployment, counts) && conditionsCurrent) return undefined;
  return { status: { ...counts, conditions: [...wanted, ...existing.filter((e) => e.type !== "Available" && e.type !== "Progressing")] } };
}

/**
 * What a kubelet reports for a Pod whose containers all started and passed their readiness
 * checks, or undefined when the Pod already reports Running with every container ready.
 * A merge patch: `qosClass` (written at creation) stays.
 */
export function podStatusPatch(pod: KubeObject, now: Date = new Date()): ValueMap | undefined {
  const status = isMap(pod.status) ? pod.status : {};
  if (isMap(pod.metadata) && pod.metadata.deletionTimestamp !== undefined) return undefined;
  const containers = listOf(isMap(pod.spec) ? pod.spec.containers : undefined);
  const statuses = listOf(status.containerStatuses);
  const allReady = containers.every((c) => statuses.some((s) => s.name === c.name && s.ready === true && isMap(s.state) && isMap(s.state.running)));
  if (status.phase === "Running" && allReady) return undefined;
  const at = timestamp(now);
  const podIP = podAddress(pod);
  const conditions = ["PodScheduled", "Initialized", "ContainersReady", "Ready"].map((type) => ({
    type,
    status: "True",
    lastTransitionTime: at,
  }));
  const containerStatuses = containers.map((c) => ({
    name: c.name ?? "",
    image: c.image ?? "",
    imageID: "",
    ready: true,
    started: true,
    restartCount: 0n,
    state: { running: { startedAt: at } },
  }));
  return {
    status: { phase: "Running", conditions, hostIP: NODE_IP, hostIPs: [{ ip: NODE_IP }], podIP, podIPs: [{ ip: podIP }], startTime: at, containerStatuses },
  };
}

/** There is no node: every Pod "runs" on one made-up node address. */
const NODE_IP = "10.89.0.2";

/** A stable address in 10.244.0.0/16 (a common Pod CIDR) derived from the Pod's uid, or its name when it has none. */
function podAddress(pod: KubeObject): string {
  const metadata = isMap(pod.metadata) ? pod.metadata : {};
  const digest = createHash("sha256")
    .update(String(metadata.uid ?? metadata.name ?? ""))
    .digest();
  return `10.244.${digest[0] ?? 0}.${((digest[1] ?? 0) % 254) + 1}`;
}

function replicaCounts(deployment: KubeObject): ValueMap {
  const spec = isMap(deployment.spec) ? deployment.spec : {};
  const metadata = isMap(deployment.metadata) ? deployment.metadata : {};
  const replicas = integer(spec.replicas) ?? 1n;
  const generation = integer(metadata.generation);
  return {
    replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    updatedReplicas: replicas,
    ...(generation !== undefined && { observedGeneration: generation }),
  };
}

function countsCurrent(deployment: KubeObject, wanted: ValueMap): boolean {
  const status = isMap(deployment.status) ? deployment.status : {};
  return Object.entries(wanted).every(([key, value]) => integer(status[key]) === value);
}

function conditionsOf(object: KubeObject): ValueMap[] {
  return listOf(isMap(object.status) ? object.status.conditions : undefined);
}

/** A True condition; an existing one with the same status and reason keeps its timestamps. */
function condition(existing: readonly ValueMap[], type: string, reason: string, message: string, now: Date): ValueMap {
  const at = timestamp(now);
  const old = existing.find((c) => c.type === type && c.status === "True" && c.reason === reason);
  const lastTransitionTime = typeof old?.lastTransitionTime === "string" ? old.lastTransitionTime : at;
  const lastUpdateTime = typeof old?.lastUpdateTime === "string" && old.message === message ? old.lastUpdateTime : at;
  return { type, status: "True", lastUpdateTime, lastTransitionTime, reason, message };
}

function sameCondition(a: ValueMap, b: ValueMap): boolean {
  return a.type === b.type && a.status === b.status && a.reason === b.reason && a.message === b.message;
}

/**
 * The name the Deployment controller would give the current ReplicaSet: the Deployment's name
 * and a hash of its Pod template, spelled with the alphabet Kubernetes uses for such suffixes.
 * A template change gives a new name, hence a new Progressing message, as in a real rollout.
 */
function replicaSetName(deployment: KubeObject): string {
  const name = isMap(deployment.metadata) && typeof deployment.metadata.name === "string" ? deployment.metadata.name : "";
  const template = isMap(deployment.spec) ? (deployment.spec.template ?? null) : null;
  const digest = createHash("sha256").update(toJsonText(template)).digest();
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  const suffix = Array.from(digest.subarray(0, 10), (byte) => alphabet[byte % alphabet.length]).join("");
  return `${name}-${suffix}`;
}

/** RFC 3339 at second precision, as Kubernetes writes its timestamps. */
function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, "Z");
}

function listOf(value: Value | undefined): ValueMap[] {
  return isList(value) ? value.filter(isMap) : [];
}

/** Integers arrive as bigint (value.ts: a CEL int); a plain number is accepted too. */
function integer(value: Value | undefined): bigint | undefined {
  if (typeof value === "bigint") return value;
  return typeof value === "number" && Number.isInteger(value) ? BigInt(value) : undefined;
}
