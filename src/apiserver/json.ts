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

export function clone<T extends Json>(v: T): T {
  return structuredClone(v);
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
