/**
 * The engine's data model: JSON with the CEL number kinds kept apart.
 * `bigint` is a CEL int, `number` is a CEL double (so `1.0` stays a double
 * and `1` an int, EXPR-60). Values are treated as immutable once built; copy
 * before changing.
 *
 * Key order (EXPR-66), a known limitation: a ValueMap is a plain object, so it
 * keeps insertion order only for keys that are not array indexes. Keys that are
 * the canonical decimal text of an integer in 0..2^32-2 ("0", "7", "4294967294";
 * not "01", "-1", "1.5" or "4294967295") always come first, in ascending numeric
 * order, then the other keys in insertion order. The order is deterministic
 * (ECMAScript's OrdinaryOwnPropertyKeys), but differs from the reference for maps
 * with such keys: `{"b": 1, "1": 2}` reads back as `{"1": 2, "b": 1}`, both when
 * parsed from YAML/JSON and when a CEL result is converted (expressions/convert.ts),
 * so a later `.map(k, k)` over it yields `["1", "b"]`. Within one evaluation CEL
 * maps are JS Maps and keep true insertion order. Fixing this needs an ordered
 * map here (e.g. `Map`), which every subsystem reads through Object.keys/entries.
 */
export type Value = null | boolean | bigint | number | string | Value[] | ValueMap;
export interface ValueMap {
  [key: string]: Value;
}

export function isMap(v: Value | undefined): v is ValueMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isList(v: Value | undefined): v is Value[] {
  return Array.isArray(v);
}

/**
 * Converts parsed JSON (numbers as JS numbers) into a Value: whole numbers become
 * ints. JSON read back from the API cannot tell `1.0` from `1` (EXPR-61 allows it).
 */
export function fromPlain(input: unknown): Value {
  if (input === null || input === undefined) return null;
  switch (typeof input) {
    case "boolean":
    case "string":
    case "bigint":
      return input;
    case "number":
      return Number.isInteger(input) ? BigInt(input) : input;
    case "object": {
      if (Array.isArray(input)) return input.map(fromPlain);
      const out: ValueMap = {};
      for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
        if (v !== undefined) out[k] = fromPlain(v);
      }
      return out;
    }
    default:
      return null;
  }
}

/** Converts a Value to plain JSON-compatible JS (ints as numbers), e.g. for client libraries. */
export function toPlain(value: Value): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (isMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}

/** JSON text of a Value; ints are written exactly, even beyond 2^53. */
export function toJsonText(value: Value): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("non-finite number");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(",")}]`;
  if (isMap(value)) {
    const parts = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`);
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Parses JSON text into a Value (whole numbers become ints). */
export function parseJsonValue(text: string): Value {
  return fromPlain(JSON.parse(text));
}

/** Deep copy (Values are plain trees; no cycles). */
export function cloneValue<T extends Value>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (isMap(value)) {
    const out: ValueMap = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneValue(v);
    return out as T;
  }
  return value;
}
