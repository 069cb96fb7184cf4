/** Prepares a ValueFunction (VF-1, VAL-3): compiles every field once. */
import type { Definition, PrepareOutcome, Preparer } from "../../definitions/index.ts";
import { prepareMapBody, prepareOverlay, preparePredicates } from "../../expressions/index.ts";
import { functionLocation, inputNamesOf, prepareFailure, specOf } from "../prepare-support.ts";
import type { PreparedValueFunction } from "../types.ts";

export const prepareValueFunction: Preparer<PreparedValueFunction> = (definition) => prepare(definition);

function prepare(definition: Definition): PrepareOutcome<PreparedValueFunction> {
  const checked = specOf(definition);
  if (!checked.ok) return checked.failure;
  const spec = checked.spec;
  const location = functionLocation(definition);
  const preconditions = preparePredicates(spec.preconditions, `${location}:spec.preconditions`);
  if (!preconditions.ok) return prepareFailure(definition, "spec.preconditions", preconditions.outcome);
  const locals = prepareMapBody(spec.locals, `${location}:spec.locals`);
  if (!locals.ok) return prepareFailure(definition, "spec.locals", locals.outcome);
  const returns = prepareOverlay(spec.return, `${location}:spec.return`);
  if (!returns.ok) return prepareFailure(definition, "spec.return", returns.outcome);

  const value: PreparedValueFunction = Object.freeze({
    kind: "ValueFunction",
    name: definition.name,
    inputNames: inputNamesOf([preconditions.value, locals.value, returns.value]),
    location,
    preconditions: preconditions.value,
    locals: locals.value,
    returns: returns.value,
  });
  return { ok: true, value, dependsOn: [] };
}

declare module "../../definitions/index.ts" {
  /** The registry holds a PreparedValueFunction for every ValueFunction (typed lookups, no casts). */
  interface PreparedKinds {
    ValueFunction: PreparedValueFunction;
  }
}
