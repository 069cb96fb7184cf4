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

/** An int or uint index as a bigint, or undefined for any other kind. */
function integral(index: CelValue): bigint | undefined {
  if (typeof index === "bigint") return index;
  return isCelUint(index) ? index.value : undefined;
}

/** Position of `index` in a sequence of `size`, or undefined when out of range; negative counts from the end (optional quirk, EXPR-86/87). */
function position(index: bigint, size: number): number | undefined {
  const at = index < 0n ? BigInt(size) + index : index;
  return at < 0n || at >= BigInt(size) ? undefined : Number(at);
}

type MapKey = Parameters<CelMap["get"]>[0];

function isMapKey(v: CelValue): v is MapKey {
  const t = typeof v;
  return t === "string" || t === "bigint" || t === "boolean" || t === "number" || isCelUint(v);
}

function listItem(list: CelList, index: bigint): CelValue | undefined {
  const at = position(index, list.size);
  return at === undefined ? undefined : (list.get(at) as CelValue);
}

/** EXPR-86 (optional quirk): a string indexes by code point, as the reference's Python does. */
function stringItem(text: string, index: bigint): string | undefined {
  const chars = [...text];
  const at = position(index, chars.length);
  return at === undefined ? undefined : chars[at];
}

/**
 * What `container[key]` yields, or undefined where it fails. index() is this plus
 * the failure's reason, and the has() fast path (presence.ts) walks with it, so
 * the two cannot disagree on what is present. The library's map lookup already
 * matches numeric keys across int, uint and double.
 */
export function itemAt(container: CelValue, key: CelValue): CelValue | undefined {
  if (isCelMap(container)) return isMapKey(key) ? container.get(key) : undefined;
  const at = integral(key);
  if (at === undefined) return undefined;
  if (isCelList(container)) return listItem(container, at);
  return typeof container === "string" ? stringItem(container, at) : undefined;
}

/** Why itemAt found nothing: a missing key or position, a double index (EXPR-87), or no overload. */
function indexFailure(container: CelValue, key: CelValue): Error {
  if (isCelMap(container)) return isMapKey(key) ? new KoreoFunctionError(`no such key: ${keyText(key)}`) : noOverload("_[_]", [container, key]);
  const isList = isCelList(container);
  if (!isList && typeof container !== "string") return noOverload("_[_]", [container, key]);
  const at = integral(key);
  if (at === undefined) {
    if (typeof key === "number") return new KoreoFunctionError(`index must be an int or uint, got double ${pythonFloat(key)}`);
    return noOverload("_[_]", [container, key]);
  }
  const size = isList ? container.size : [...container].length;
  return new KoreoFunctionError(`${isList ? "list" : "string"} index ${at} out of range (size ${size})`);
}

function index(container: CelValue, key: CelValue): CelValue {
  const item = itemAt(container, key);
  if (item === undefined) throw indexFailure(container, key);
  return item;
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
