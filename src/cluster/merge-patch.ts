import { cloneValue, isMap, type Value, type ValueMap } from "../value/value.ts";

/**
 * RFC 7386 JSON merge patch: maps merge recursively, `null` deletes a key,
 * anything else (lists included) replaces wholesale (RF-23, ST-1).
 */
export function applyMergePatch(target: Value | undefined, patch: Value): Value {
  if (!isMap(patch)) return cloneValue(patch);
  const out: ValueMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    out[key] = applyMergePatch(out[key], value);
  }
  return out;
}
