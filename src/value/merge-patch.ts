/**
 * RFC 7386 JSON merge patch: maps merge recursively, `null` deletes a key,
 * anything else (lists included) replaces wholesale. Used by the engine (RF-23,
 * ST-1), the in-memory cluster and the embedded API server. Never mutates; the
 * patch's values are copied into the result. BODY-4 deep merge, where `null`
 * sets `null`, is `deep-merge.ts`.
 */
import { cloneValue, copyMap, entriesOf, isMap, setEntry, type Value, type ValueMap } from "./value.ts";

/** Generic so plain JSON (a subset of Value, e.g. the API server's `Json`) stays typed as such. */
export function applyMergePatch<T extends Value>(target: T | undefined, patch: T): T {
  if (!isMap(patch)) return cloneValue(patch);
  const out: ValueMap = isMap(target) ? copyMap(target) : {};
  for (const [key, value] of entriesOf(patch)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    setEntry(out, key, applyMergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value));
  }
  return out as T;
}
