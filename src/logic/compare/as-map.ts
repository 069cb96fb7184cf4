/** CMP-1 `x-koreo-compare-as-map`: a list of maps turned into a map keyed by the entries' key fields. */
import { isList, isMap, type Value, type ValueMap } from "../../value/index.ts";
import { renderScalar } from "./render.ts";

/**
 * Each key-field value is rendered as a string and trimmed, the parts joined with `$`
 * (a missing field renders as `None`). An empty list becomes `null`; a non-list is left as is.
 */
export function keyByFields(list: Value, fields: readonly string[]): Value {
  if (!isList(list)) return list;
  if (list.length === 0) return null;
  const out: ValueMap = {};
  for (const entry of list) {
    const parts = fields.map((f) => renderScalar(isMap(entry) ? entry[f] : undefined).trim());
    out[parts.join("$")] = entry;
  }
  return out;
}
