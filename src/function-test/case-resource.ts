/**
 * FT-12/FT-13: the simulated resource a case starts from. First match wins:
 * `overlayResource` (onto the carried resource, which must exist), a non-empty
 * `currentResource` (replaces), else the carried resource.
 */
import type { Scope } from "../expressions/index.ts";
import { cloneValue, type ValueMap } from "../value/index.ts";
import { isEmptyResource } from "./test-cluster.ts";
import type { PreparedTestCase } from "./types.ts";

export type CaseResource =
  | { readonly ok: true; readonly value: ValueMap }
  /** `fatal`: stops the run even for a variant (FT-12). */
  | { readonly ok: false; readonly message: string; readonly fatal: boolean };

export const OVERLAY_BEFORE_RESOURCE = "Can not overlay until the full resource exists. Try setting `currentResource` or reordering test cases.";

export function caseResource(testCase: PreparedTestCase, carried: ValueMap, inputs: ValueMap): CaseResource {
  if (testCase.overlayResource !== undefined) {
    if (isEmptyResource(carried)) return { ok: false, message: OVERLAY_BEFORE_RESOURCE, fatal: true };
    const applied = testCase.overlayResource.apply(cloneValue(carried), overlayScope(inputs, carried));
    if (!applied.ok) {
      const message = `Could not run test case due to resource overlay error: (${applied.outcome.message ?? "unknown error"})`;
      return { ok: false, message, fatal: false };
    }
    return { ok: true, value: applied.value };
  }
  if (testCase.currentResource !== undefined) return { ok: true, value: cloneValue(testCase.currentResource) };
  return { ok: true, value: cloneValue(carried) };
}

/**
 * FT-13 recommendation: `inputs` and `resource` (as a proper map), plus each
 * top-level input key as a bare name, which the reference binds (compatibility).
 */
function overlayScope(inputs: ValueMap, resource: ValueMap): Scope {
  return { ...inputs, inputs, resource };
}
