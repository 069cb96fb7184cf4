import { isMap, setEntry, toJsonText, type Value, type ValueMap } from "./value.ts";

/** JSON with map keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: Value): string {
  return toJsonText(sortKeys(value));
}

function sortKeys(value: Value): Value {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isMap(value)) return value;
  const out: ValueMap = {};
  for (const key of Object.keys(value).sort()) setEntry(out, key, sortKeys(value[key] as Value));
  return out;
}
