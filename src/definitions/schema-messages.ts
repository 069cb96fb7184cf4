/**
 * ajv errors → the reference's messages (VAL-2, FT-3): the JSON path with `spec` for the
 * root, then the fastjsonschema wording that FunctionTests match by substring, e.g.
 * `object spec.locals must be object`, `spec.functionRef must contain ['kind', 'name']
 * properties`, `spec cannot be validated by any definition`.
 */
import type { ErrorObject } from "ajv";

/** Python's repr of a list of strings: `['a', 'b']`. */
function pyList(value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  return `[${value.map((v) => (typeof v === "string" ? `'${v}'` : v === null ? "None" : String(v))).join(", ")}]`;
}

function limit(error: ErrorObject): string {
  return String((error.params as { limit?: unknown }).limit);
}

function oneOfMatches(error: ErrorObject): number {
  const passing = (error.params as { passingSchemas?: unknown }).passingSchemas;
  return Array.isArray(passing) ? passing.length : 0;
}

/** The message for one violation at `path` (already rendered, e.g. `spec.steps[0]`). */
export function violationMessage(error: ErrorObject, path: string): string {
  switch (error.keyword) {
    case "type": {
      const types = ([] as unknown[]).concat((error.params as { type?: unknown }).type);
      const expected = types.join(" or ");
      return `${expected} ${path} must be ${expected}`;
    }
    case "required":
      return `${path} must contain ${pyList(error.schema)} properties`;
    case "enum":
      return `${path} must be one of ${pyList(error.schema)}`;
    case "anyOf":
      return `${path} cannot be validated by any definition`;
    case "oneOf":
      return `${path} must be valid exactly by one definition (${oneOfMatches(error)} matches found)`;
    case "maxItems":
      return `${path} must contain less than or equal to ${limit(error)} items`;
    case "minItems":
      return `${path} must contain at least ${limit(error)} items`;
    case "maxLength":
      return `${path} must be shorter than or equal to ${limit(error)} characters`;
    case "minLength":
      return `${path} must be longer than or equal to ${limit(error)} characters`;
    case "maxProperties":
      return `${path} must contain less than or equal to ${limit(error)} properties`;
    case "minProperties":
      return `${path} must contain at least ${limit(error)} properties`;
    default:
      return `${path} ${error.message ?? `violates ${error.keyword}`}`;
  }
}

/**
 * With allErrors, ajv also reports why each branch of a failed oneOf/anyOf did not match,
 * and rules about a value whose type is already wrong; both are noise and are dropped.
 */
export function withoutBranchNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
  const mistyped = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  return errors.filter(
    (e) =>
      !combinators.some((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`)) &&
      // A value of the wrong type makes every other rule about it meaningless (e.g. `update: null`).
      (e.keyword === "type" || !mistyped.has(e.instancePath)),
  );
}
