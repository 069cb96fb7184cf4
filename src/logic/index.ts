/**
 * Koreo functions: ValueFunction, ResourceFunction, ResourceTemplate, and the difference check.
 * May import: cluster (port), definitions, expressions, outcome, value.
 */
/**
 * @module logic — ValueFunction, ResourceFunction, ResourceTemplate (functions.md).
 * May import: outcome, value, expressions, definitions (types), cluster (port types).
 *
 * CONTRACT used by the Workflow engine and the FunctionTest runner; the
 * implementation lives in sibling folders (prepare and run kept apart).
 */
export type {
  ManagedResourceRecord,
  Owner,
  OwnerReference,
  PreparedResourceFunction,
  PreparedResourceTemplate,
  PreparedValueFunction,
  ResourceDrift,
  ResourceFunctionContext,
  ResourceFunctionResult,
} from "./types.ts";
export { prepareValueFunction } from "./value-function/prepare.ts";
export { runValueFunction } from "./value-function/run.ts";
export { prepareResourceFunction } from "./resource-function/prepare.ts";
export { runResourceFunction } from "./resource-function/run.ts";
export { prepareResourceTemplate } from "./resource-template/prepare.ts";
export { compareResource, describeDifference, type CompareResult, type Difference } from "./compare/compare.ts";
export { stripDirectives, DIRECTIVE_KEYS } from "./compare/directives.ts";
export { driftedFields, objectDrift, renderPath, type FieldDrift } from "./compare/drift.ts";
export { LAST_APPLIED_ANNOTATION } from "./resource-function/last-applied.ts";
export { mergeCondition, type ConditionUpdate } from "./conditions.ts";
