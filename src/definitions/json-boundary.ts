/**
 * ajv validates plain JSON. Values cross that boundary here: CEL ints (`bigint`) become
 * JS numbers only for the validator (`toPlain` from value/value.ts), and the defaults ajv fills in are carried back
 * without ever replacing a field the author wrote, so ints stay `bigint` and doubles
 * stay doubles in the validated spec.
 */
import { fromPlain, isMap, type Value, type ValueMap } from "../value/index.ts";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `original` with every key that ajv added in `validated` (schema defaults). Keys present
 * in `original` keep their original Value; maps and lists are walked for nested defaults.
 */
export function withDefaults(original: Value, validated: unknown): Value {
  if (Array.isArray(original)) {
    return Array.isArray(validated) ? original.map((item, i) => withDefaults(item, validated[i])) : original;
  }
  if (!isMap(original) || !isPlainObject(validated)) return original;
  const out: ValueMap = {};
  for (const [k, v] of Object.entries(original)) out[k] = withDefaults(v, validated[k]);
  for (const [k, v] of Object.entries(validated)) if (!(k in original)) out[k] = fromPlain(v);
  return out;
}
