/**
 * Value ⇄ CEL (EXPR-60..66). Ints stay bigint and doubles stay number on both
 * sides, so scalars pass through untouched; maps and lists are wrapped once per
 * Value object and remembered (Values are immutable), and unchanged input
 * subtrees found in a result map back to the very Value they came from.
 */
import { celList, celMap, isCelError, isCelList, isCelMap, isCelType, isCelUint, type CelInput, type CelValue } from "@bufbuild/cel";
import { INT64_MAX, INT64_MIN, isMap, keysOf, setEntry, type Value, type ValueMap } from "../value/index.ts";
import { ExpressionFailure } from "./errors.ts";
import { DURATION_TYPE, durationText, objectTypeName, TIMESTAMP_TYPE, timestampText } from "./time-text.ts";

const toCelCache = new WeakMap<object, CelValue>();
const fromCelCache = new WeakMap<object, Value>();

/** A Value as a CEL input; map/list wrappers are cached per Value object. */
export function valueToCel(v: Value): CelInput {
  if (typeof v === "bigint" && (v < INT64_MIN || v > INT64_MAX)) throw new RangeError(`the int ${v} is outside the 64-bit range`);
  if (v === null || typeof v !== "object") return v;
  const cached = toCelCache.get(v);
  if (cached !== undefined) return cached;
  const cel = Array.isArray(v) ? celList(v.map(valueToCel)) : celMap(mapEntries(v));
  toCelCache.set(v, cel);
  fromCelCache.set(cel as object, v);
  return cel;
}

function mapEntries(m: ValueMap): Map<string, CelInput> {
  const out = new Map<string, CelInput>();
  for (const key of keysOf(m)) out.set(key, valueToCel(m[key] as Value));
  return out;
}

/** Counts converted nodes against the result-size bound. */
export interface NodeBudget {
  remaining: number;
}

/** A CEL result as a Value; throws ExpressionFailure for values JSON cannot hold. */
export function celToValue(v: CelValue, budget: NodeBudget): Value {
  if (--budget.remaining < 0) throw new ExpressionFailure("result too large");
  switch (typeof v) {
    case "bigint":
    case "string":
    case "boolean":
      return v;
    case "number":
      // EXPR-64
      if (!Number.isFinite(v)) throw new ExpressionFailure("non-finite number");
      return v;
    default:
      return objectToValue(v, budget);
  }
}

function objectToValue(v: CelValue, budget: NodeBudget): Value {
  if (v === null) return null;
  const known = fromCelCache.get(v as object);
  if (known !== undefined) return known;
  if (isCelList(v)) {
    const out: Value[] = [];
    for (const item of v) out.push(celToValue(item, budget));
    return out;
  }
  if (isCelMap(v)) {
    const out: ValueMap = {};
    // forEach, not the entries iterator: the library's iterator is a generator yielding a fresh pair per entry.
    v.forEach((item, key) => {
      setEntry(out, keyText(key), celToValue(item, budget));
    });
    return out;
  }
  if (isCelUint(v)) return v.value;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (isCelType(v)) throw new ExpressionFailure(`type value ${v.name} cannot be converted to JSON`);
  if (isCelError(v)) throw new ExpressionFailure(v.message);
  return timeToValue(v);
}

function timeToValue(v: CelValue): Value {
  const name = objectTypeName(v);
  if (name === TIMESTAMP_TYPE) return timestampText(v);
  if (name === DURATION_TYPE) return durationText(v);
  throw new ExpressionFailure(`value of type ${name ?? "unknown"} cannot be converted to JSON`);
}

/** EXPR-62: map keys become text (`1` → "1", `true` → "true"). */
export function keyText(key: unknown): string {
  if (typeof key === "string") return key;
  if (isCelUint(key)) return key.value.toString();
  return String(key);
}
