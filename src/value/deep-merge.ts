/**
 * BODY-4 deep merge of B onto A: for each key of B, two maps merge recursively,
 * anything else in B (lists, scalars, `null`) replaces A's value; keys are never
 * removed. Never mutates; the result may share unchanged subtrees with its inputs
 * (copy it with `cloneValue` before changing it). RFC 7386 merge patch, where
 * `null` deletes, is `merge-patch.ts`.
 */
import { copyMap, entriesOf, isMap, setEntry, type ValueMap } from "./value.ts";

export function deepMerge(base: ValueMap, patch: ValueMap): ValueMap {
  const out = copyMap(base);
  for (const [key, value] of entriesOf(patch)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    setEntry(out, key, isMap(current) && isMap(value) ? deepMerge(current, value) : value);
  }
  return out;
}
