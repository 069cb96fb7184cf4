/**
 * The has() fast path (EXPR-90). `has(e)` means "evaluating e does not fail"; for
 * its common argument — field selections and constant indexes from a variable,
 * `a.b["c"][0]` — rewrite.ts emits `@koreo_absent(a, "b", "c", 0)` instead of
 * evaluating the chain and catching the error, which costs an error object per
 * absent field and the library's qualified-name lookups per present one.
 *
 * The walk takes each step as evaluation would: a string segment is the
 * library's field access (`.f` and `["f"]` are the same access), any other
 * constant is `@koreo_index` (collections.ts). An unbound root fails the call
 * before it runs, which the rewrite's `@not_strictly_false` counts as absent.
 *
 * `has(c) ? c : d` then reads `c` with `@koreo_value` over the same chain: the
 * library's own read would try `a.b.c`, `a.b` as qualified names (bindings and
 * protobuf types) before `a`, which costs more than the whole walk.
 */
import { celEnv, celFunc, CelScalar, isCelError, isCelList, isCelMap, plan, type CelFunc, type CelType, type CelValue } from "@bufbuild/cel";
import { call, ident, IdAllocator } from "../ast.ts";
import { KoreoFunctionError } from "../errors.ts";
import { COLLECTION_FUNCTIONS, itemAt } from "./collections.ts";
import { INTERNAL } from "./names.ts";

/** Longest chain the fast path takes (one overload per length); longer chains keep the general path. */
export const MAX_SEGMENTS = 8;

/** Names only the step programs bind; `@` cannot start a CEL identifier. */
const VALUE = "@value";
const KEY = "@key";

type StepProgram = ReturnType<typeof plan>;
let stepPrograms: { readonly select: StepProgram; readonly index: StepProgram } | undefined;

function planStepPrograms(): { readonly select: StepProgram; readonly index: StepProgram } {
  const ids = new IdAllocator();
  const env = celEnv({ funcs: [...COLLECTION_FUNCTIONS] });
  return {
    // With a string key, `v[k]` is the same field access as `v.f`.
    select: plan(env, call(ids, "_[_]", [ident(ids, VALUE), ident(ids, KEY)])),
    index: plan(env, call(ids, INTERNAL.index, [ident(ids, VALUE), ident(ids, KEY)])),
  };
}

/**
 * Protobuf messages (timestamps, durations), bytes, uints and type values have
 * access rules of their own (message fields, `Any` unpacking); they are rare in
 * a has() chain, so the library takes that one step itself and its rules hold as they are.
 */
function libraryStep(value: CelValue, segment: CelValue): CelValue | undefined {
  stepPrograms ??= planStepPrograms();
  const result = (typeof segment === "string" ? stepPrograms.select : stepPrograms.index)({ [VALUE]: value, [KEY]: segment });
  return isCelError(result) ? undefined : result;
}

/** The value one step reaches, or undefined where evaluating it would fail. */
function step(value: CelValue, segment: CelValue): CelValue | undefined {
  if (typeof value === "object" && value !== null && !isCelMap(value) && !isCelList(value)) return libraryStep(value, segment);
  if (typeof segment !== "string") return itemAt(value, segment);
  // The library's field access reads maps only; on null, scalars and lists it fails.
  return isCelMap(value) ? value.get(segment) : undefined;
}

/** The value the chain `root` `segments…` evaluates to, or undefined where evaluating it would fail. */
function reach(root: CelValue, segments: readonly CelValue[]): CelValue | undefined {
  let value: CelValue | undefined = root;
  for (const segment of segments) {
    value = step(value, segment);
    if (value === undefined) return undefined;
  }
  return value;
}

function absent(root: CelValue, ...segments: CelValue[]): boolean {
  return reach(root, segments) === undefined;
}

function value(root: CelValue, ...segments: CelValue[]): CelValue {
  const reached = reach(root, segments);
  if (reached === undefined) throw new KoreoFunctionError("no such key or index");
  return reached;
}

/** `@koreo_absent<n>(root, s1, …, sn)`: one function per chain length, so each call finds its overload first. */
export const absentFunction = (segments: number): string => `${INTERNAL.absent}${segments}`;

/** `@koreo_value<n>(root, s1, …, sn)`: the chain's value; used where a has() of the same chain has just held. */
export const valueFunction = (segments: number): string => `${INTERNAL.value}${segments}`;

const dynArgs = (segments: number): CelType[] => Array<CelType>(segments + 1).fill(CelScalar.DYN);

export const PRESENCE_FUNCTIONS: readonly CelFunc[] = Array.from({ length: MAX_SEGMENTS }, (_, i) => [
  celFunc(absentFunction(i + 1), dynArgs(i + 1), CelScalar.BOOL, absent),
  celFunc(valueFunction(i + 1), dynArgs(i + 1), CelScalar.DYN, value),
]).flat();
