/**
 * The engine's data model: JSON with the CEL number kinds kept apart.
 * `bigint` is a CEL int, `number` is a CEL double (so `1.0` stays a double
 * and `1` an int, EXPR-60). Values are treated as immutable once built; copy
 * before changing.
 *
 * Key order (EXPR-66/108): a ValueMap is a plain object, which lists keys that
 * look like array indexes ("0", "7"; not "01" or "-1") before all others. Maps
 * that hold such a key carry their true insertion order in a hidden,
 * non-enumerable symbol property; build maps with `setEntry` and read them
 * with `keysOf`/`entriesOf` wherever order is visible (expressions, YAML, JSON
 * text). A key named `__proto__` is an own data property like any other
 * (`setEntry` defines it), never the object's prototype.
 */
export type Value = null | boolean | bigint | number | string | Value[] | ValueMap;

/** The CEL int and uint ranges; a `bigint` Value outside int64 fails when used (EXPR-60, EXPR-80). */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;
export interface ValueMap {
  [key: string]: Value;
}

const KEY_ORDER = Symbol("koreo.keyOrder");
type Ordered = ValueMap & { [KEY_ORDER]?: string[] };

/** Keys that plain objects list first, in numeric order (ECMAScript array indexes). */
function isIndexLike(key: string): boolean {
  const first = key.charCodeAt(0);
  // Most keys start with a letter: settle them before the regular expression (this runs per map entry built).
  if (!(first >= 48 && first <= 57)) return false;
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;
}

/** Sets `map[key]` keeping insertion order and treating `__proto__` as data. */
export function setEntry(map: ValueMap, key: string, value: Value): void {
  const ordered = map as Ordered;
  let order = ordered[KEY_ORDER];
  if (order === undefined && isIndexLike(key) && !Object.hasOwn(map, key)) {
    order = Object.keys(map);
    Object.defineProperty(map, KEY_ORDER, { value: order, enumerable: false, writable: true, configurable: true });
  }
  if (order !== undefined && !Object.hasOwn(map, key)) order.push(key);
  if (key === "__proto__") Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

/** The keys of `map` in insertion order (see the module comment). */
export function keysOf(map: ValueMap): string[] {
  const order = (map as Ordered)[KEY_ORDER];
  if (order === undefined) return Object.keys(map);
  const own = new Set(Object.keys(map));
  const kept = order.filter((k) => own.delete(k));
  return own.size === 0 ? kept : [...kept, ...own];
}

export function entriesOf(map: ValueMap): [string, Value][] {
  return keysOf(map).map((k) => [k, map[k] as Value]);
}

/** A shallow copy that keeps key order (and `__proto__` as data). */
export function copyMap(map: ValueMap): ValueMap {
  const out: ValueMap = {};
  for (const [k, v] of entriesOf(map)) setEntry(out, k, v);
  return out;
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
        if (v !== undefined) setEntry(out, k, fromPlain(v));
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
    const out: ValueMap = {};
    for (const [k, v] of entriesOf(value)) setEntry(out, k, toPlain(v) as Value);
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
    const parts = entriesOf(value).map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`);
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
    for (const [k, v] of entriesOf(value)) setEntry(out, k, cloneValue(v));
    return out as T;
  }
  return value;
}
