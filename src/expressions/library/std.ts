/**
 * Standard CEL functions where Koreo's reference differs (EXPR-82, -85, -87,
 * -88, -95, -96). A function declared with the same name and argument types as
 * a built-in replaces it (the library keys overloads by that signature), so
 * these are ordinary overload declarations, not patches.
 */
import { celFunc, celMethod, CelScalar, celUint, isCelMap, listType, mapType, objectType, type CelFunc, type CelList, type CelValue } from "@bufbuild/cel";
import { charge } from "../budget.ts";
import { KoreoFunctionError } from "../errors.ts";
import { pythonBool, pythonFloat } from "../format.ts";
import { durationText, timestampText } from "../time-text.ts";
import { celEquals } from "./values.ts";

const { BOOL, DOUBLE, DYN, INT, NULL, STRING, UINT } = CelScalar;
const LIST = listType(DYN);
const MAP = mapType(DYN, DYN);
const TIMESTAMP = objectType("google.protobuf.Timestamp");
const DURATION = objectType("google.protobuf.Duration");
const INT_MAX = 2 ** 63;

/** EXPR-88: the reference rounds to nearest, ties to even, where CEL truncates. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function doubleToInt(x: number): bigint {
  const r = roundHalfEven(x);
  if (!Number.isFinite(r) || r < -INT_MAX || r >= INT_MAX) throw new KoreoFunctionError("int overflow during type conversion");
  return BigInt(r);
}

function doubleToUint(x: number): bigint {
  const r = roundHalfEven(x);
  if (!Number.isFinite(r) || r < 0 || r >= 2 * INT_MAX) throw new KoreoFunctionError("uint overflow during type conversion");
  return BigInt(r);
}

const INT_STRING = /^\s*([+-]?)([0-9]+)\s*$/;
const FLOAT_STRING = /^\s*[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf(inity)?|nan)\s*$/i;

/** EXPR-88: decimal only, optional sign and surrounding whitespace. */
function stringToInt(s: string): bigint {
  const m = INT_STRING.exec(s);
  if (m === null) throw new KoreoFunctionError(`invalid literal for int(): '${s}'`);
  const n = BigInt(`${m[1] === "-" ? "-" : ""}${m[2]}`);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) throw new KoreoFunctionError("int overflow during type conversion");
  return n;
}

function stringToDouble(s: string): number {
  if (!FLOAT_STRING.test(s)) throw new KoreoFunctionError(`could not convert string to float: '${s}'`);
  const t = s.trim().toLowerCase().replace(/^\+/, "");
  if (t.endsWith("nan")) return NaN;
  if (t.endsWith("inf") || t.endsWith("infinity")) return t.startsWith("-") ? -Infinity : Infinity;
  return Number(t);
}

/** `key in map` must see keys whose value is null (the library's `has` does not). */
const inMap = (key: CelValue, m: CelValue): boolean => isCelMap(m) && m.get(key as never) !== undefined;

export const STD_OVERRIDES: readonly CelFunc[] = [
  // EXPR-88 string()
  celFunc("string", [BOOL], STRING, pythonBool),
  celFunc("string", [NULL], STRING, () => "None"),
  celFunc("string", [DOUBLE], STRING, pythonFloat),
  celFunc("string", [TIMESTAMP], STRING, (t) => timestampText(t as CelValue)),
  celFunc("string", [DURATION], STRING, (d) => durationText(d as CelValue)),
  // EXPR-88 int()/uint()/double()
  celFunc("int", [DOUBLE], INT, doubleToInt),
  celFunc("int", [STRING], INT, stringToInt),
  celFunc("uint", [DOUBLE], UINT, (x) => celUint(doubleToUint(x))),
  celFunc("double", [STRING], DOUBLE, stringToDouble),
  // EXPR-85 size(null)
  celFunc("size", [NULL], INT, () => 0n),
  celMethod("size", NULL, [], INT, () => 0n),
  // EXPR-82 int ⊕ double in both orders
  ...(["_+_", "_-_", "_*_", "_/_"] as const).flatMap((op) => {
    const apply = (l: number, r: number): number => (op === "_+_" ? l + r : op === "_-_" ? l - r : op === "_*_" ? l * r : l / r);
    return [
      celFunc(op, [INT, DOUBLE], DOUBLE, (l, r) => apply(Number(l), r)),
      celFunc(op, [DOUBLE, INT], DOUBLE, (l, r) => apply(l, Number(r))),
    ];
  }),
  // EXPR-87 list.contains(x)
  celMethod("contains", LIST, [DYN], BOOL, function (x) {
    return [...(this as CelList)].some((item) => celEquals(item, x));
  }),
  // List `+` copies into one flat list and charges its size to the budget: the
  // library's lazy concatenation nests a wrapper per `+`, so `acc + acc` in a
  // reduce doubles a list 60 times for free and iteration gets deep and slow.
  celFunc("_+_", [LIST, LIST], LIST, (l, r) => {
    charge(l.size + r.size);
    return [...l, ...r];
  }),
  ...([STRING, INT, UINT, BOOL, DOUBLE] as const).map((k) => celFunc("@in", [k, MAP], BOOL, inMap)),
];
