/**
 * The two equalities on Values. `valuesEqual` is structural, as on the wire
 * (`1` and `1.0` differ, map key order does not matter). `scalarsEqual` is the
 * comparison rule of CMP-3 / FT-20: numbers compare by value across int and double.
 */
import { isMap, type Value } from "./value.ts";

/** Structural equality; map key order is ignored, as it is on the wire. */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]));
  if (!isMap(a) || !isMap(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && valuesEqual(a[key], b[key]));
}

/** CMP-3: booleans only equal booleans, numbers compare by value (`2` = `2.0`), strings never equal numbers, `null` only `null`. */
export function scalarsEqual(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) return numbersEqual(a, b);
  return a === b;
}

export function isNumber(v: Value | undefined): v is bigint | number {
  return typeof v === "bigint" || typeof v === "number";
}

/** An int equals a double only when the double is whole and the same number. */
export function numbersEqual(a: bigint | number, b: bigint | number): boolean {
  if (typeof a === typeof b) return a === b;
  const [int, dbl] = typeof a === "bigint" ? [a, b as number] : [b as bigint, a];
  return Number.isInteger(dbl) && BigInt(dbl) === int;
}
