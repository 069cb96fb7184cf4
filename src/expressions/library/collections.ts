/**
 * Indexing, substring membership and `min` (EXPR-86, EXPR-87, EXPR-93). The
 * library resolves `x[i]` inside its attribute planner, where no function can
 * be declared, and it indexes a list with any integral double (`[1][0.0]`);
 * so rewrite.ts turns every index that is not a string literal into
 * `@koreo_index(x, i)`, implemented here. String-literal keys keep the
 * library's path: for them both behave alike.
 */
import { celFunc, celMethod, CelScalar, isCelList, isCelMap, isCelUint, listType, type CelFunc, type CelList, type CelMap, type CelValue } from "@bufbuild/cel";
import { KoreoFunctionError } from "../errors.ts";
import { compareCodePoints, pythonFloat } from "../format.ts";
import { keyText } from "../convert.ts";
import { INTERNAL } from "./names.ts";
import { noOverload, typeName } from "./values.ts";

const { BOOL, DYN, STRING } = CelScalar;

/** An int or uint index as a bigint; a double is an error (EXPR-87), other kinds have no overload. */
function integerIndex(container: CelValue, index: CelValue): bigint {
  if (typeof index === "bigint") return index;
  if (isCelUint(index)) return index.value;
  if (typeof index === "number") throw new KoreoFunctionError(`index must be an int or uint, got double ${pythonFloat(index)}`);
  throw noOverload("_[_]", [container, index]);
}

/** Position of `index` in a sequence of `size`; negative counts from the end (optional quirk, EXPR-86/87). */
function position(index: bigint, size: number, what: string): number {
  const at = index < 0n ? BigInt(size) + index : index;
  if (at < 0n || at >= BigInt(size)) throw new KoreoFunctionError(`${what} index ${index} out of range (size ${size})`);
  return Number(at);
}

function listItem(list: CelList, index: CelValue): CelValue {
  return list.get(position(integerIndex(list, index), list.size, "list")) as CelValue;
}

/** EXPR-86 (optional quirk): a string indexes by code point, as the reference's Python does. */
function stringItem(text: string, index: CelValue): string {
  const chars = [...text];
  return chars[position(integerIndex(text, index), chars.length, "string")] as string;
}

type MapKey = Parameters<CelMap["get"]>[0];

function isMapKey(v: CelValue): v is MapKey {
  const t = typeof v;
  return t === "string" || t === "bigint" || t === "boolean" || t === "number" || isCelUint(v);
}

/** The library's map lookup already matches numeric keys across int, uint and double. */
function mapItem(map: CelMap, key: CelValue): CelValue {
  if (!isMapKey(key)) throw noOverload("_[_]", [map, key]);
  const found = map.get(key);
  if (found === undefined) throw new KoreoFunctionError(`no such key: ${keyText(key)}`);
  return found;
}

function index(container: CelValue, key: CelValue): CelValue {
  if (isCelList(container)) return listItem(container, key);
  if (isCelMap(container)) return mapItem(container, key);
  if (typeof container === "string") return stringItem(container, key);
  throw noOverload("_[_]", [container, key]);
}

type Ordered = bigint | number | string;

function orderedValue(v: CelValue): Ordered | undefined {
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "string") return v;
  return isCelUint(v) ? v.value : undefined;
}

/** Numbers compare across int, uint and double; strings by code point; nothing else orders. */
function less(a: Ordered, b: Ordered): boolean {
  if (typeof a === "string" || typeof b === "string") {
    if (typeof a !== "string" || typeof b !== "string") throw new KoreoFunctionError("min: cannot compare strings with numbers");
    return compareCodePoints(a, b) < 0;
  }
  return a < b;
}

/** EXPR-93 (optional): the smallest element, itself (so its int/uint/double kind is kept). */
function min(list: CelList): CelValue {
  let best: CelValue | undefined;
  let bestKey: Ordered | undefined;
  for (const item of list) {
    const key = orderedValue(item);
    if (key === undefined) throw new KoreoFunctionError(`min: elements of type ${typeName(item)} cannot be ordered`);
    if (bestKey === undefined || less(key, bestKey)) [best, bestKey] = [item, key];
  }
  if (best === undefined) throw new KoreoFunctionError("min: empty list");
  return best;
}

export const COLLECTION_FUNCTIONS: readonly CelFunc[] = [
  celFunc(INTERNAL.index, [DYN, DYN], DYN, index),
  // EXPR-86 (optional quirk): `"a" in "abc"` is a substring test.
  celFunc("@in", [STRING, STRING], BOOL, (part, whole) => whole.includes(part)),
  celMethod("min", listType(DYN), [], DYN, function () {
    return min(this);
  }),
];
