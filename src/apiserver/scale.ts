/**
 * The `/scale` subresource: an autoscaling/v1 Scale view of an object whose
 * replicas live at the type's declared paths (Deployments, CRDs with
 * `subresources.scale`). `kubectl scale` and autoscalers read and write it.
 */
import { invalid } from "./errors.ts";
import { isObject, meta, type Json, type JsonObject } from "./json.ts";
import type { ScaleSubresource } from "./resource-type.ts";

function parts(path: string): string[] {
  return path.split(".").filter((p) => p !== "");
}

function read(obj: JsonObject, path: string): Json | undefined {
  let at: Json | undefined = obj;
  for (const p of parts(path)) at = isObject(at) ? at[p] : undefined;
  return at;
}

/** A copy of `obj` with `value` at `path`, creating objects on the way. */
function write(obj: JsonObject, path: string[], value: Json): JsonObject {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  const child = obj[head];
  return { ...obj, [head]: rest.length === 0 ? value : write(isObject(child) ? child : {}, rest, value) };
}

function requirement(r: JsonObject): string {
  const key = typeof r["key"] === "string" ? r["key"] : "";
  const values = Array.isArray(r["values"]) ? r["values"].join(",") : "";
  switch (r["operator"]) {
    case "In":
      return `${key} in (${values})`;
    case "NotIn":
      return `${key} notin (${values})`;
    case "DoesNotExist":
      return `!${key}`;
    default:
      return key;
  }
}

/** A LabelSelector as selector text (`app=web,tier in (a,b)`); strings pass through. */
export function selectorText(value: Json | undefined): string {
  if (typeof value === "string") return value;
  if (!isObject(value)) return "";
  const labels = isObject(value["matchLabels"]) ? Object.entries(value["matchLabels"]).map(([k, v]) => `${k}=${String(v)}`) : [];
  const expressions = Array.isArray(value["matchExpressions"]) ? value["matchExpressions"].filter(isObject).map(requirement) : [];
  return [...labels, ...expressions].join(",");
}

export function toScale(scale: ScaleSubresource, obj: JsonObject): JsonObject {
  const m = meta(obj);
  const metadata: JsonObject = {};
  for (const k of ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"]) if (m[k] !== undefined) metadata[k] = m[k]!;
  const specReplicas = read(obj, scale.specReplicasPath);
  const statusReplicas = read(obj, scale.statusReplicasPath);
  const status: JsonObject = { replicas: typeof statusReplicas === "number" ? statusReplicas : 0 };
  const selector = scale.labelSelectorPath === undefined ? "" : selectorText(read(obj, scale.labelSelectorPath));
  if (selector !== "") status["selector"] = selector;
  return { kind: "Scale", apiVersion: "autoscaling/v1", metadata, spec: { replicas: typeof specReplicas === "number" ? specReplicas : 0 }, status };
}

/** The replicas a Scale body asks for, validated as kube-apiserver does. */
export function requestedReplicas(body: Json, name: string): number {
  const spec = isObject(body) && isObject(body["spec"]) ? body["spec"] : {};
  const replicas = spec["replicas"] ?? 0;
  if (typeof replicas !== "number" || !Number.isInteger(replicas))
    throw invalid("Scale.autoscaling", name, [{ field: "spec.replicas", message: `Invalid value: ${JSON.stringify(replicas)}: must be an integer` }]);
  if (replicas < 0)
    throw invalid("Scale.autoscaling", name, [{ field: "spec.replicas", message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]);
  return replicas;
}

/** The object with its replicas set; a resourceVersion the Scale carried becomes the update's precondition. */
export function withReplicas(scale: ScaleSubresource, obj: JsonObject, replicas: number, resourceVersion: Json | undefined): JsonObject {
  const next = write(obj, parts(scale.specReplicasPath), replicas);
  const m: JsonObject = { ...meta(next) };
  if (typeof resourceVersion === "string" && resourceVersion !== "") m["resourceVersion"] = resourceVersion;
  return { ...next, metadata: m };
}
