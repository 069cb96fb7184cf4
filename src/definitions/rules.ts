/**
 * Load-time rules beyond the schema whose messages the spec fixes (VAL-4, VAL-7), as pure
 * checks for the function preparers, and `validateDefinition`: schema + these rules in
 * one call, the way the reference prepares a definition.
 */
import { isMap, type Value, type ValueMap } from "../value/index.ts";
import type { Definition, Problem } from "./definition.ts";
import { definitionProblem } from "./problem.ts";
import { validateSpec, validationFailure, type SpecValidation } from "./schema.ts";

const nonEmpty = (v: Value | undefined): boolean => (typeof v === "string" ? v !== "" : v !== undefined && v !== null);

/** VAL-4: `apiConfig` identity fields, and `namespace` for namespaced resources. Run on a schema-valid spec (defaults filled). */
export function checkApiConfig(definition: Definition, spec: ValueMap): Problem[] {
  const apiConfig = spec.apiConfig;
  if (!isMap(apiConfig) || !nonEmpty(apiConfig.apiVersion) || !nonEmpty(apiConfig.kind) || !nonEmpty(apiConfig.name)) {
    return [definitionProblem("error", definition, "spec.apiConfig", "`apiVersion`, `kind`, and `name` are required in `spec.apiConfig`")];
  }
  if (apiConfig.namespaced !== false && !nonEmpty(apiConfig.namespace)) {
    return [definitionProblem("error", definition, "spec.apiConfig", "`namespace` is required when `spec.apiConfig.namespaced` is `true`")];
  }
  return [];
}

const UPDATE_STRATEGIES = ["patch", "recreate", "never"];

/** VAL-4: `update` must be a mapping with exactly one strategy. */
export function checkUpdate(definition: Definition, spec: ValueMap): Problem[] {
  const update = spec.update;
  if (update === undefined) return [];
  const strategies = isMap(update) ? UPDATE_STRATEGIES.filter((s) => update[s] !== undefined) : [];
  if (strategies.length === 1) return [];
  return [definitionProblem("error", definition, "spec.update", "Malformed `spec.update`, expected a mapping with `patch`, `recreate`, or `never`")];
}

/** Python's f-string rendering of an optional value, as the reference's message shows it. */
function shown(v: Value | undefined): string {
  return v === undefined || v === null ? "None" : typeof v === "string" ? v : JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? Number(x) : x));
}

/** VAL-7: a template must be a non-empty object setting both `apiVersion` and `kind`. */
export function checkTemplate(definition: Definition, spec: ValueMap): Problem[] {
  const template = spec.template;
  const map = isMap(template) ? template : {};
  if (nonEmpty(map.apiVersion) && nonEmpty(map.kind)) return [];
  const message = `ResourceTemplate '${definition.name}' \`apiVersion\` and \`kind\` must be set within \`spec.template\` (apiVersion: '${shown(map.apiVersion)}', kind: '${shown(map.kind)}')`;
  return [definitionProblem("error", definition, "spec.template", message)];
}

/** The semantic checks of a kind, after the schema passed (VAL-3 is fully expressed by the schema). */
export function semanticProblems(definition: Definition, spec: ValueMap): Problem[] {
  switch (definition.kind) {
    case "ResourceFunction":
      return [...checkApiConfig(definition, spec), ...checkUpdate(definition, spec)];
    case "ResourceTemplate":
      return checkTemplate(definition, spec);
    default:
      return [];
  }
}

/** Schema (VAL-2) then the kind's semantic rules (VAL-4, VAL-7); what a preparer runs first. */
export function validateDefinition(definition: Definition): SpecValidation {
  const schema = validateSpec(definition);
  if (!schema.ok) return schema;
  const problems = semanticProblems(definition, schema.spec);
  return problems.length === 0 ? schema : validationFailure(definition, problems);
}
