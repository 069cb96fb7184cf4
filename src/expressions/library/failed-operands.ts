/**
 * EXPR-100/101: comparisons whose operand failed. The absorbing program
 * (rewrite.ts, `absorbing`) evaluates each operand once into a binding and asks
 * these helpers what the comparison means when one or both bindings hold an error.
 *
 * Two failed operands are equal when their failures have the same message. A
 * CEL function never sees an error argument (the library returns the error
 * before calling), so `@koreo_same_failure` re-runs the two operands itself: the
 * absorbing program records them as sub-programs, and program.ts publishes them
 * with the evaluation's bindings for the duration of one run. Evaluation is
 * synchronous, so a module-level context is safe; it is a stack because a
 * sub-program may meet another double failure.
 */
import {
  celFunc,
  CelScalar,
  celType,
  isCelError,
  isCelList,
  isCelMap,
  isCelUint,
  listType,
  type CelError,
  type CelFunc,
  type CelInput,
  type CelResult,
  type CelValue,
} from "@bufbuild/cel";
import { INTERNAL } from "./names.ts";

const { BOOL, DYN, INT } = CelScalar;

/** One pair of operands recorded by the rewriter, planned on first use. */
export interface FailurePair {
  /** Comprehension variables the operands read, passed in by the call. */
  readonly names: readonly string[];
  readonly left: (bindings: Record<string, CelInput>) => CelResult;
  readonly right: (bindings: Record<string, CelInput>) => CelResult;
  /** The operand of the field selection with this node id, planned on demand. */
  readonly selected: (id: bigint) => ((bindings: Record<string, CelInput>) => CelResult) | undefined;
}

export interface FailureContext {
  readonly pairs: readonly FailurePair[];
  readonly bindings: Record<string, CelInput>;
  /** The failure's own text (program.ts names undeclared variables in it). */
  readonly describe: (error: CelError) => string;
}

const FIELD_NOT_FOUND = "field not found: ";

/**
 * What two failures are compared by. The library says "field not found: x" both
 * for a missing key and for selecting from a non-map; the reference reports the
 * latter as the operand's type not supporting selection, whatever the field, so
 * `resource.status.a == resource.status.b` with a null status is a same failure.
 */
function cause(error: CelError, pair: FailurePair, context: FailureContext, bindings: Record<string, CelInput>): string {
  const text = context.describe(error);
  if (!error.message.startsWith(FIELD_NOT_FOUND) || error.exprId === undefined) return text;
  const operand = pair.selected(error.exprId)?.(bindings);
  if (operand === undefined || isCelError(operand) || isCelMap(operand)) return text;
  return `type '${celType(operand).name}' does not support field selection`;
}

const contexts: FailureContext[] = [];

export function withFailureContext<T>(context: FailureContext, run: () => T): T {
  contexts.push(context);
  try {
    return run();
  } finally {
    contexts.pop();
  }
}

/** Numbers, lists and maps still fail a comparison with a failed operand; every other value absorbs it. */
function absorbsEquality(v: CelValue): boolean {
  return !(typeof v === "bigint" || typeof v === "number" || isCelUint(v) || isCelList(v) || isCelMap(v));
}

/** `<failed> in c`: false for maps and strings, and for lists until the search meets a number, list or map. */
function absorbsMembership(c: CelValue): boolean {
  if (typeof c === "string" || isCelMap(c)) return true;
  if (!isCelList(c)) return false;
  for (const item of c) if (!absorbsEquality(item)) return false;
  return true;
}

function sameFailure(index: bigint, values: CelValue): boolean {
  const context = contexts.at(-1);
  const pair = context?.pairs[Number(index)];
  if (context === undefined || pair === undefined || !isCelList(values)) return false;
  const bindings: Record<string, CelInput> = Object.assign(Object.create(null) as object, context.bindings);
  pair.names.forEach((name, i) => (bindings[name] = values.get(i) as CelInput));
  const [left, right] = [pair.left(bindings), pair.right(bindings)];
  return isCelError(left) && isCelError(right) && cause(left, pair, context, bindings) === cause(right, pair, context, bindings);
}

export const FAILED_OPERAND_FUNCTIONS: readonly CelFunc[] = [
  celFunc(INTERNAL.absorbsEquality, [DYN], BOOL, absorbsEquality),
  celFunc(INTERNAL.absorbsMembership, [DYN], BOOL, absorbsMembership),
  celFunc(INTERNAL.sameFailure, [INT, listType(DYN)], BOOL, sameFailure),
];
