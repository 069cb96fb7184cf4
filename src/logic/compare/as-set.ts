/** CMP-4: lists compared as sets of scalars. */
import { isList, isMap, type Value } from "../../value/index.ts";
import { renderScalar } from "./render.ts";

export type Difference = readonly string[];

const NOT_SCALAR_MAPS = "Could not compare array-as-set, try: `x-koreo-compare-as-map`";
const NOT_SCALAR_LISTS = "Could not compare array-as-set (list members cannot be compared as a set)";

/**
 * Set-member identity. Recommendation of CMP-4: booleans and numbers are
 * distinct members (`true` ≠ `1`), while `1` and `1.0` are the same number.
 */
function memberKey(v: Value): string {
  if (typeof v === "bigint") return `n:${v.toString()}`;
  if (typeof v === "number") return Number.isSafeInteger(v) ? `n:${BigInt(v).toString()}` : `n:${v}`;
  if (typeof v === "string") return `s:${v}`;
  if (typeof v === "boolean") return `b:${v}`;
  return "z";
}

function members(list: readonly Value[]): Map<string, Value> {
  return new Map(list.map((v) => [memberKey(v), v]));
}

function unsupported(list: readonly Value[]): string | undefined {
  if (list.some(isMap)) return NOT_SCALAR_MAPS;
  if (list.some(isList)) return NOT_SCALAR_LISTS;
  return undefined;
}

/** `null`/absent counts as the empty set. Undefined means "same set". */
export function compareAsSet(target: readonly Value[], actual: Value): Difference | undefined {
  const live = actual === null ? [] : isList(actual) ? actual : [actual];
  const problem = unsupported(target) ?? unsupported(live);
  if (problem !== undefined) return [problem];
  const want = members(target);
  const have = members(live);
  for (const [key, v] of want) {
    if (!have.has(key)) return [`<missing '${renderScalar(v)}'>`];
  }
  for (const [key, v] of have) {
    if (!want.has(key)) return [`<unexpectedly found '${renderScalar(v)}'>`];
  }
  return undefined;
}
