/**
 * The simulated Deployment controller of the local stack (`koreo start`). The
 * embedded API server stores objects but runs no workload controllers, so a
 * Deployment would never report available replicas and a Workflow waiting for
 * them (the example's `webapp-service`) would wait forever. This stand-in
 * watches apps/v1 Deployments and reports every one as fully rolled out:
 * `status.replicas/readyReplicas/availableReplicas/updatedReplicas` =
 * `spec.replicas` (default 1) and `observedGeneration` = `metadata.generation`,
 * written through `/status` when the kind serves it. Never used on Lambda.
 */
import type { KubeObject, WatchableClusterApi } from "../cluster/cluster-api.ts";
import type { Logger } from "../ports/logger.ts";
import { isMap, type Value, type ValueMap } from "../value/value.ts";

export interface WorkloadSimulator {
  /** Deployments whose status it has written so far. */
  readonly settled: () => number;
  stop(): Promise<void>;
}

const DEPLOYMENT = { apiVersion: "apps/v1", kind: "Deployment" } as const;
const FIELD_MANAGER = "koreo-start-simulated-deployment-controller";

export function startWorkloadSimulator(cluster: WatchableClusterApi, logger: Logger, restartMs = 500): WorkloadSimulator {
  let running = true;
  let settled = 0;
  let stopWatch = () => {};
  let wake = () => {};
  const settle = async (deployment: KubeObject) => {
    const patch = statusPatch(deployment);
    if (patch === undefined || !isMap(deployment.metadata)) return;
    const { name, namespace } = deployment.metadata;
    if (typeof name !== "string" || typeof namespace !== "string") return;
    const ref = { ...DEPLOYMENT, name, namespace };
    const kind = await cluster.discover(DEPLOYMENT.apiVersion, DEPLOYMENT.kind);
    const subresource = kind.ok && kind.value.hasStatus ? { subresource: "status" as const } : {};
    const patched = await cluster.mergePatch(ref, patch, { fieldManager: FIELD_MANAGER, ...subresource });
    if (patched.ok) settled++;
    else if (patched.error.reason !== "NotFound")
      logger.warn(`Simulated Deployment controller could not update ${namespace}/${name}.`, { error: patched.error.message });
  };
  // Settle one object at a time: each write is followed by its own MODIFIED event, which then finds nothing to do.
  let queue = Promise.resolve();
  const enqueue = (deployment: KubeObject) => (queue = queue.then(() => settle(deployment)).catch(() => {}));

  const loop = (async () => {
    while (running) {
      const listed = await cluster.list(DEPLOYMENT.apiVersion, DEPLOYMENT.kind);
      if (listed.ok) {
        listed.value.items.forEach(enqueue);
        const watch = await cluster.watch(DEPLOYMENT.apiVersion, DEPLOYMENT.kind, { resourceVersion: listed.value.resourceVersion }, (event) => {
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
    settled: () => settled,
    async stop() {
      running = false;
      stopWatch();
      wake();
      await loop;
    },
  };
}

/** The status a finished rollout reports, or undefined when the Deployment already reports it. */
export function statusPatch(deployment: KubeObject): ValueMap | undefined {
  const spec = isMap(deployment.spec) ? deployment.spec : {};
  const metadata = isMap(deployment.metadata) ? deployment.metadata : {};
  const status = isMap(deployment.status) ? deployment.status : {};
  const replicas = integer(spec.replicas) ?? 1n;
  const generation = integer(metadata.generation);
  const wanted: ValueMap = {
    replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    updatedReplicas: replicas,
    ...(generation !== undefined && { observedGeneration: generation }),
  };
  const current = Object.entries(wanted).every(([key, value]) => integer(status[key]) === value);
  return current ? undefined : { status: wanted };
}

/** Integers arrive as bigint (value.ts: a CEL int); a plain number is accepted too. */
function integer(value: Value | undefined): bigint | undefined {
  if (typeof value === "bigint") return value;
  return typeof value === "number" && Number.isInteger(value) ? BigInt(value) : undefined;
}
