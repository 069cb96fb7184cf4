/**
 * BODY-4 deep merge, used for FunctionTest `inputOverrides` (FT-11): maps merge
 * recursively, lists and scalars replace, `null` sets `null`, keys are never removed.
 */
import { cloneValue, isMap, type Value, type ValueMap } from "../value/value.ts";

export function deepMerge(base: ValueMap, overrides: ValueMap): ValueMap {
  const out = cloneValue(base);
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : cloneValue(value as Value);
  }
  return out;
}
