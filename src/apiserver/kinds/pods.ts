/**
 * Pods as objects: defaulted like kube-apiserver's, and created Pending with a
 * QoS class, as the Pod REST storage does. No kubelet runs them; the workload
 * simulator (src/local) writes their status.
 */
import { badRequest, type ApiError } from "../errors.ts";
import { isObject, type Json, type JsonObject } from "../json.ts";
import type { KindHooks } from "../objects.ts";
import { defaultPodSpec } from "./deployments.ts";

export const POD_RESOURCE = "/pods";

function resourceMap(container: JsonObject, which: "requests" | "limits"): JsonObject {
  const resources = isObject(container["resources"]) ? container["resources"] : {};
  const map = resources[which];
  return isObject(map) ? map : {};
}

/** Guaranteed when every container limits cpu and memory with requests equal to limits; BestEffort when nothing is set. */
export function qosClass(spec: JsonObject): string {
  const containers = [spec["containers"], spec["initContainers"]].flatMap((c) => (Array.isArray(c) ? c.filter(isObject) : []));
  const anySet = containers.some((c) => Object.keys(resourceMap(c, "requests")).length + Object.keys(resourceMap(c, "limits")).length > 0);
  if (!anySet) return "BestEffort";
  const guaranteed = containers.every((c) => {
    const limits = resourceMap(c, "limits");
    const requests = resourceMap(c, "requests");
    return ["cpu", "memory"].every((r) => limits[r] !== undefined && (requests[r] === undefined || requests[r] === limits[r]));
  });
  return guaranteed ? "Guaranteed" : "Burstable";
}

function podDefaults(value: Json | undefined): JsonObject {
  const spec = defaultPodSpec(value);
  // What the ServiceAccount and Priority admission plugins and core/v1 defaults add.
  const defaults: JsonObject = {
    serviceAccountName: spec["serviceAccount"] ?? "default",
    enableServiceLinks: true,
    priority: 0,
    preemptionPolicy: "PreemptLowerPriority",
  };
  for (const [k, v] of Object.entries(defaults)) if (spec[k] === undefined) spec[k] = v;
  if (spec["serviceAccount"] === undefined) spec["serviceAccount"] = spec["serviceAccountName"]!;
  return spec;
}

export const podHooks: KindHooks = {
  prepare(obj, old) {
    obj["spec"] = podDefaults(obj["spec"]);
    if (old === undefined) obj["status"] = { phase: "Pending", qosClass: qosClass(obj["spec"]) };
  },
};

/** Pod subresources a kubelet would serve (`kubectl logs|exec|attach|port-forward`). */
export const KUBELET_SUBRESOURCES: ReadonlySet<string> = new Set(["log", "exec", "attach", "portforward"]);

/** Why those answer 400 here: there is no container to read from or run in. */
export function noKubelet(pod: string, subresource: string): ApiError {
  return badRequest(
    `pod "${pod}" has no running containers to ${subresource === "log" ? "read logs from" : subresource}: the embedded API server stores Pods but runs no kubelet`,
  );
}
