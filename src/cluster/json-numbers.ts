import { isMap, type Value, type ValueMap } from "../value/index.ts";

/**
 * What a JSON round trip through the API server does to numbers: a double
 * with no fraction (`2.0`) comes back as the int `2`. The in-memory adapter
 * applies it on write so tests see what a real cluster would return.
 */
export function asJsonWouldReturn(value: Value): Value {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(asJsonWouldReturn);
  if (!isMap(value)) return value;
  const out: ValueMap = {};
  for (const [key, item] of Object.entries(value)) out[key] = asJsonWouldReturn(item);
  return out;
}
