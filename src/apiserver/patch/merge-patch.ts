/** JSON merge patch (RFC 7386): objects merge recursively, null deletes, anything else replaces. */
import { isObject, type Json } from "../json.ts";

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
