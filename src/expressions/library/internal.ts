/** Helpers the rewriter (rewrite.ts) inserts; programs cannot name them. */
import { celFunc, celList, CelScalar, isCelList, isCelMap, listType, type CelFunc, type CelList, type CelValue } from "@bufbuild/cel";
import { charge } from "../budget.ts";
import { KoreoFunctionError } from "../errors.ts";
import { INTERNAL } from "./names.ts";
import { noOverload } from "./values.ts";

const { BOOL, DYN, STRING } = CelScalar;
const LIST = listType(DYN);

/** Lists built by `@koreo_append`, with their backing arrays, so later appends can push. */
const growable = new WeakMap<CelList, CelValue[]>();

/**
 * The accumulator of a macro is private to its comprehension (`@result` cannot be
 * named by programs), so appending in place is unobservable; the shared empty
 * initial list is never touched because only lists created here are grown.
 */
function append(accu: CelList, item: CelValue): CelList {
  const backing = growable.get(accu);
  if (backing !== undefined) {
    backing.push(item);
    return accu;
  }
  const fresh = [...accu, item];
  const grown = celList(fresh);
  growable.set(grown, fresh);
  return grown;
}

function chargeRange(range: CelValue): CelValue {
  if (isCelList(range) || isCelMap(range)) charge(range.size);
  return range;
}

export const INTERNAL_FUNCTIONS: readonly CelFunc[] = [
  celFunc(INTERNAL.alwaysFalse, [DYN], BOOL, () => false),
  celFunc(INTERNAL.range, [DYN], DYN, chargeRange),
  celFunc(INTERNAL.append, [LIST, DYN], LIST, append),
  // A folded double negation still checks its operand (parser-gaps.ts, EXPR-108).
  celFunc(INTERNAL.requireBool, [DYN], BOOL, (v) => {
    if (typeof v !== "boolean") throw noOverload("!_", [v]);
    return v;
  }),
  celFunc(INTERNAL.requireNumber, [DYN], DYN, (v) => {
    if (typeof v !== "bigint" && typeof v !== "number") throw noOverload("-_", [v]);
    return v;
  }),
  celFunc(INTERNAL.fail, [STRING], DYN, (message) => {
    throw new KoreoFunctionError(message);
  }),
];
