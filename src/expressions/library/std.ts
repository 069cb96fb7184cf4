/**
 * Standard CEL functions where Koreo's reference differs (EXPR-82, -85, -87,
 * -88, -95, -96). A function declared with the same name and argument types as
 * a built-in replaces it (the library keys overloads by that signature), so
 * these are ordinary overload declarations, not patches.
 */
import {
  celFunc,
  celMethod,
  CelScalar,
  celType,
  celUint,
  isCelMap,
  isCelUint,
  listType,
  mapType,
  objectType,
  type CelFunc,
  type CelList,
  type CelValue,
} from "@bufbuild/cel";
import { charge, chargeString } from "../budget.ts";
import { KoreoFunctionError } from "../errors.ts";
import { pythonBool, pythonFloat } from "../format.ts";
import { DURATION_TYPE, durationText, objectTypeName, timestampText } from "../time-text.ts";
import { INT64_MAX, INT64_MIN, UINT64_MAX } from "../../value/index.ts";
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

/** EXPR-88: decimal only, optional sign and surrounding whitespace; `""` and `" "` fail for int and uint alike (EXPR-108). */
function stringToInteger(s: string, type: "int" | "uint"): bigint {
  const m = INT_STRING.exec(s);
  if (m === null) throw new KoreoFunctionError(`invalid literal for ${type}(): '${s}'`);
  const n = BigInt(`${m[1] === "-" ? "-" : ""}${m[2]}`);
  return inRange(n, type, `${type} overflow during type conversion`);
}

function stringToDouble(s: string): number {
  if (!FLOAT_STRING.test(s)) throw new KoreoFunctionError(`could not convert string to float: '${s}'`);
  const t = s.trim().toLowerCase().replace(/^\+/, "");
  if (t.endsWith("nan")) return NaN;
  if (t.endsWith("inf") || t.endsWith("infinity")) return t.startsWith("-") ? -Infinity : Infinity;
  return Number(t);
}

type IntegerOp = "_+_" | "_-_" | "_*_" | "_/_" | "_%_";

/**
 * Integer arithmetic on exact values. For an int on the left `/` truncates toward
 * zero and `%` takes the dividend's sign (EXPR-81); the reference's uint floors
 * instead (its `%` takes the divisor's sign), which only shows with a negative
 * divisor, where the result then leaves the uint range and fails.
 */
function integerApply(op: IntegerOp, l: bigint, r: bigint, type: "int" | "uint"): bigint {
  if ((op === "_/_" || op === "_%_") && r === 0n) throw new KoreoFunctionError(`${type} ${op === "_/_" ? "divide" : "modulus"} by zero`);
  switch (op) {
    case "_+_":
      return l + r;
    case "_-_":
      return l - r;
    case "_*_":
      return l * r;
    case "_/_":
      return type === "int" || l % r === 0n || l < 0n === r < 0n ? l / r : l / r - 1n;
    case "_%_":
      return type === "int" || l % r === 0n || l < 0n === r < 0n ? l % r : (l % r) + r;
  }
}

function inRange(value: bigint, type: "int" | "uint", message = `${type} overflow`): bigint {
  const [min, max] = type === "int" ? [INT64_MIN, INT64_MAX] : [0n, UINT64_MAX];
  if (value < min || value > max) throw new KoreoFunctionError(message);
  return value;
}

/** EXPR-103: int ⊕ uint in both orders, typed by the left operand; double ⊕ uint is a double (but `/` fails, as in the reference). */
const MIXED_INTEGER_ARITHMETIC: readonly CelFunc[] = (["_+_", "_-_", "_*_", "_/_", "_%_"] as const).flatMap((op) => {
  const doubleOp = (l: number, r: bigint): number => {
    const x = Number(r);
    return op === "_+_" ? l + x : op === "_-_" ? l - x : l * x;
  };
  return [
    celFunc(op, [INT, UINT], INT, (l, r) => inRange(integerApply(op, l, r.value, "int"), "int")),
    celFunc(op, [UINT, INT], UINT, (l, r) => celUint(inRange(integerApply(op, l.value, r, "uint"), "uint"))),
    ...(op === "_%_" || op === "_/_" ? [] : [celFunc(op, [DOUBLE, UINT], DOUBLE, (l, r) => doubleOp(l, r.value))]),
  ];
});

const REFERENCE_DURATION_TYPE = objectType("duration");

/** Equality runs on every `==`: the uint test comes first, since it is all most comparisons need. */
function comparable(l: CelValue, r: CelValue): true {
  if (!isCelUint(l) && !isCelUint(r)) return true;
  const duration = (v: CelValue): boolean => objectTypeName(v) === DURATION_TYPE;
  if (duration(l) || duration(r)) throw new KoreoFunctionError("a duration cannot be compared with a uint");
  return true;
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
  celFunc("int", [STRING], INT, (s) => stringToInteger(s, "int")),
  celFunc("uint", [STRING], UINT, (s) => celUint(stringToInteger(s, "uint"))),
  celFunc("uint", [DOUBLE], UINT, (x) => celUint(doubleToUint(x))),
  celFunc("double", [STRING], DOUBLE, stringToDouble),
  // EXPR-85 size(null)
  celFunc("size", [NULL], INT, () => 0n),
  celMethod("size", NULL, [], INT, () => 0n),
  // EXPR-82 int ⊕ double in both orders
  ...(["_+_", "_-_", "_*_", "_/_"] as const).flatMap((op) => {
    const apply = (l: number, r: number): number => (op === "_+_" ? l + r : op === "_-_" ? l - r : op === "_*_" ? l * r : l / r);
    return [celFunc(op, [INT, DOUBLE], DOUBLE, (l, r) => apply(Number(l), r)), celFunc(op, [DOUBLE, INT], DOUBLE, (l, r) => apply(l, Number(r)))];
  }),
  ...MIXED_INTEGER_ARITHMETIC,
  // The reference's duration type is its own class, not the protobuf message `google.protobuf.Duration` names.
  celFunc("type", [DYN], CelScalar.TYPE, (v) => (objectTypeName(v) === DURATION_TYPE ? REFERENCE_DURATION_TYPE : celType(v))),
  // EXPR-83 equality, as the library's, except that the reference cannot compare a duration with a uint.
  celFunc("_==_", [DYN, DYN], BOOL, (l, r) => comparable(l, r) && celEquals(l, r)),
  celFunc("_!=_", [DYN, DYN], BOOL, (l, r) => comparable(l, r) && !celEquals(l, r)),
  // EXPR-87 list.contains(x)
  celMethod("contains", LIST, [DYN], BOOL, function (x) {
    return [...(this as CelList)].some((item) => celEquals(item, x));
  }),
  // List `+` copies into one flat list and charges its size to the budget: the
  // library's lazy concatenation nests a wrapper per `+`, so `acc + acc` in a
  // reduce doubles a list 60 times for free and iteration gets deep and slow.
  celFunc("_+_", [STRING, STRING], STRING, (l, r) => {
    chargeString(l.length + r.length);
    return l + r;
  }),
  celFunc("_+_", [LIST, LIST], LIST, (l, r) => {
    charge(l.size + r.size);
    return [...l, ...r];
  }),
  ...([STRING, INT, UINT, BOOL, DOUBLE] as const).map((k) => celFunc("@in", [k, MAP], BOOL, inMap)),
];
