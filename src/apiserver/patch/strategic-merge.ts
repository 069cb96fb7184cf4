/**
 * Strategic merge patch for the built-in kinds: merge-patch semantics, except
 * that lists of the well-known fields below merge item by item on a key, and the
 * `$patch` / `$setElementOrder` / `$retainKeys` / `$deleteFromPrimitiveList`
 * directives kubectl emits are honoured (order directives only drop out).
 */
import { badRequest } from "../errors.ts";
import { isObject, type Json, type JsonObject } from "../json.ts";
import { valuesEqual } from "../../value/index.ts";

/** Field name → merge key, from the Kubernetes API types' patchMergeKey tags. */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  hostAliases: "ip",
  tolerations: "key",
  topologySpreadConstraints: "topologyKey",
  conditions: "type",
  ownerReferences: "uid",
};

/** `ports` is keyed by containerPort in pod specs and by port in services. */
export function mergeKeyFor(field: string, items: Json[]): string | undefined {
  if (field !== "ports") return MERGE_KEYS[field];
  const first = items.find(isObject);
  if (first === undefined) return undefined;
  return "containerPort" in first ? "containerPort" : "port";
}

function mergeList(field: string, current: Json | undefined, patch: Json[]): Json {
  const key = mergeKeyFor(field, patch);
  if (key === undefined || !Array.isArray(current)) return patch.filter((p) => !(isObject(p) && p["$patch"] !== undefined));
  const out = [...current];
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`strategic merge list "${field}" expects objects`);
    const index = out.findIndex((c) => isObject(c) && valuesEqual(c[key], item[key]));
    if (item["$patch"] === "delete") {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (item["$patch"] === "replace") return patch.filter((p) => !(isObject(p) && p["$patch"] === "replace"));
    if (index < 0) out.push(strategicMerge({}, item));
    else out[index] = strategicMerge(out[index]!, item);
  }
  return out;
}

function deleteFromPrimitiveList(current: Json | undefined, remove: Json): Json {
  if (!Array.isArray(current) || !Array.isArray(remove)) return current ?? [];
  return current.filter((v) => !remove.some((r) => valuesEqual(r, v)));
}

export function strategicMerge(target: Json, patch: JsonObject): Json {
  if (patch["$patch"] === "replace") {
    const { $patch: _p, ...rest } = patch;
    return rest;
  }
  if (patch["$patch"] === "delete") return {};
  const out: JsonObject = isObject(target) ? { ...target } : {};
  const retain = Array.isArray(patch["$retainKeys"]) ? patch["$retainKeys"] : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch" || key === "$retainKeys" || key.startsWith("$setElementOrder/")) continue;
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      out[field] = deleteFromPrimitiveList(out[field], value);
      continue;
    }
    if (value === null) delete out[key];
    else if (Array.isArray(value)) out[key] = mergeList(key, out[key], value);
    else if (isObject(value)) out[key] = strategicMerge(out[key] ?? {}, value);
    else out[key] = value;
  }
  if (retain !== undefined) for (const key of Object.keys(out)) if (!retain.includes(key)) delete out[key];
  return out;
}
