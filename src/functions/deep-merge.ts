/** BODY-4: deep merge of B onto A (maps merge recursively; anything else in B replaces). Never mutates. */
import { isMap, type ValueMap } from "../value/value.ts";

export function deepMerge(base: ValueMap, patch: ValueMap): ValueMap {
  const out: ValueMap = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : value;
  }
  return out;
}

