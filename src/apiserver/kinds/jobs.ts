/**
 * Job defaulting as kube-apiserver's batch/v1 defaults and Job strategy do: the
 * controller-uid selector and template labels, completions, parallelism, backoff.
 */
import { isObject, meta, str, type Json, type JsonObject } from "../json.ts";
import type { KindHooks } from "../objects.ts";
import { defaultPodSpec } from "./deployments.ts";

export const JOB_RESOURCE = "batch/jobs";

function withDefaults(value: JsonObject, defaults: JsonObject): JsonObject {
  const out: JsonObject = { ...value };
  for (const [k, v] of Object.entries(defaults)) if (out[k] === undefined) out[k] = v;
  return out;
}

/** The labels the Job strategy adds so its Pods can be found (unless the user chose a selector). */
function generatedLabels(obj: JsonObject): Record<string, string> {
  const uid = str(meta(obj)["uid"]) ?? "";
  const name = str(meta(obj)["name"]) ?? "";
  return { "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name, "controller-uid": uid, "job-name": name };
}

function template(value: Json | undefined, labels: Record<string, string>): JsonObject {
  const t = isObject(value) ? value : {};
  const m = isObject(t["metadata"]) ? t["metadata"] : {};
  const existing = isObject(m["labels"]) ? m["labels"] : {};
  return { ...t, metadata: { ...m, labels: { ...existing, ...labels } }, spec: defaultPodSpec(t["spec"]) };
}

export function defaultJobSpec(obj: JsonObject): JsonObject {
  const spec = withDefaults(isObject(obj["spec"]) ? obj["spec"] : {}, {
    completions: 1,
    parallelism: 1,
    backoffLimit: 6,
    completionMode: "NonIndexed",
    suspend: false,
    podReplacementPolicy: "TerminatingOrFailed",
  });
  if (spec["manualSelector"] === true) return { ...spec, template: template(spec["template"], {}) };
  const labels = generatedLabels(obj);
  const uid = labels["batch.kubernetes.io/controller-uid"]!;
  return { ...spec, selector: { matchLabels: { "batch.kubernetes.io/controller-uid": uid } }, template: template(spec["template"], labels) };
}

export const jobHooks: KindHooks = {
  prepare(obj, old) {
    // The generated selector is immutable: an update keeps the stored one.
    obj["spec"] = old === undefined ? defaultJobSpec(obj) : { ...defaultJobSpec(obj), ...pick(old["spec"], ["selector"]) };
  },
};

function pick(value: Json | undefined, keys: string[]): JsonObject {
  const out: JsonObject = {};
  if (!isObject(value)) return out;
  for (const k of keys) if (value[k] !== undefined) out[k] = value[k]!;
  return out;
}
