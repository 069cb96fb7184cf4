/**
 * Plain JSON as the API server stores it. Stored objects are never mutated in
 * place: every write builds a new object, so readers may serialize without copying.
 */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A deep copy, as structuredClone makes it (a value reached twice, as YAML aliases
 * leave it, stays shared in the copy; an own `__proto__` key stays a key) without its
 * serialize-and-parse round trip, which costs far more on the small objects every write copies.
 */
export function clone<T extends Json>(v: T): T {
  return copy(v, new Map()) as T;
}

function copy(v: unknown, copies: Map<object, unknown>): unknown {
  if (typeof v !== "object" || v === null) return typeof v === "function" || typeof v === "symbol" ? structuredClone(v) : v;
  const done = copies.get(v);
  if (done !== undefined) return done;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    copies.set(v, out);
    for (let i = 0; i < v.length; i++) if (i in v) out[i] = copy(v[i], copies);
    out.length = v.length;
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  // Anything but plain data (dates, typed arrays, class instances) is left to structuredClone.
  if (proto !== Object.prototype && proto !== null) {
    const out: unknown = structuredClone(v);
    copies.set(v, out);
    return out;
  }
  const source = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  copies.set(v, out);
  for (const key of Object.keys(source)) {
    const value = copy(source[key], copies);
    if (key === "__proto__") Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

/** The `metadata` map of an object, or an empty one. */
export function meta(obj: JsonObject): JsonObject {
  const m = obj["metadata"];
  return isObject(m) ? m : {};
}

export function str(v: Json | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function stringMap(v: Json | undefined): Record<string, string> {
  if (!isObject(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
}
