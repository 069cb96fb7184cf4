/**
 * Deployment defaulting as kube-apiserver's apps/v1 defaults do, so objects read
 * back look like a real cluster's (clients and Koreo expressions read these fields).
 */
import { isObject, type Json, type JsonObject } from "../json.ts";
import type { KindHooks } from "../objects.ts";

export const DEPLOYMENT_RESOURCE = "apps/deployments";

function withDefaults(value: JsonObject, defaults: Record<string, Json>): JsonObject {
  const out: JsonObject = { ...value };
  for (const [k, v] of Object.entries(defaults)) if (out[k] === undefined) out[k] = v;
  return out;
}

function strategy(value: Json | undefined): JsonObject {
  const s = withDefaults(isObject(value) ? value : {}, { type: "RollingUpdate" });
  if (s["type"] !== "RollingUpdate") return s;
  const rolling = isObject(s["rollingUpdate"]) ? s["rollingUpdate"] : {};
  return { ...s, rollingUpdate: withDefaults(rolling, { maxUnavailable: "25%", maxSurge: "25%" }) };
}

function container(value: Json): Json {
  if (!isObject(value)) return value;
  const image = typeof value["image"] === "string" ? value["image"] : "";
  // As core/v1 defaulting: a `:latest` or untagged image is always pulled.
  const pull = image.endsWith(":latest") || !/:[^/]+$/.test(image) ? "Always" : "IfNotPresent";
  const ports = Array.isArray(value["ports"]) ? value["ports"].map((p) => (isObject(p) ? withDefaults(p, { protocol: "TCP" }) : p)) : undefined;
  return withDefaults(
    { ...value, ...(ports === undefined ? {} : { ports }) },
    {
      imagePullPolicy: pull,
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      resources: {},
    },
  );
}

/** core/v1 PodSpec defaults; Pods, Deployment and Job templates share them. */
export function defaultPodSpec(value: Json | undefined): JsonObject {
  const spec = withDefaults(isObject(value) ? value : {}, {
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    securityContext: {},
    schedulerName: "default-scheduler",
  });
  if (Array.isArray(spec["containers"])) spec["containers"] = spec["containers"].map(container);
  return spec;
}

export function defaultDeploymentSpec(value: Json | undefined): JsonObject {
  const spec = withDefaults(isObject(value) ? value : {}, { replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
  spec["strategy"] = strategy(spec["strategy"]);
  if (isObject(spec["template"])) spec["template"] = { ...spec["template"], spec: defaultPodSpec(spec["template"]["spec"]) };
  return spec;
}

export const deploymentHooks: KindHooks = {
  prepare(obj) {
    obj["spec"] = defaultDeploymentSpec(obj["spec"]);
  },
};
