/** Evaluates a prepared ValueFunction (VF-2..VF-7). Pure: no I/O. */
import { Outcome } from "../../outcome/index.ts";
import { isMap, type Value, type ValueMap } from "../../value/index.ts";
import type { PreparedValueFunction } from "../types.ts";

/** VF-2. `base` is the current Target Resource Specification when used as an overlay (VF-6). */
export function runValueFunction(fn: PreparedValueFunction, inputs: Value, base?: ValueMap): Outcome {
  try {
    return evaluate(fn, inputs, base ?? {});
  } catch {
    // OUT-7: a crash in our own code is still just this function's outcome.
    return Outcome.permFail(`Unknown failure evaluating \`${fn.location}\`.`, fn.location);
  }
}

function evaluate(fn: PreparedValueFunction, inputs: Value, base: ValueMap): Outcome {
  // VF-6 recommendation: `resource` is bound everywhere, to `{}` when there is no base.
  const scope = { inputs, resource: base };
  const stop = fn.preconditions?.evaluate(scope);
  if (stop !== undefined) return stop;
  // VF-2 step 2: without `return`, locals are never evaluated (their errors go unnoticed).
  if (fn.returns === undefined) return Outcome.ok(null);
  const locals = fn.locals?.evaluate(scope);
  if (locals !== undefined && !locals.ok) return locals.outcome;
  const localsValue = locals !== undefined && isMap(locals.value) ? locals.value : {};
  const result = fn.returns.apply(base, { inputs, locals: localsValue });
  return result.ok ? Outcome.ok(result.value) : result.outcome;
}
