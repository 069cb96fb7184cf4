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

const ARTICLE: Record<string, string> = {
  integer: "an integer",
  object: "an object",
  array: "a list",
  string: "a string",
  boolean: "a boolean",
  number: "a number",
  null: "null",
};

function expectedTypes(error: ErrorObject): unknown[] {
  return ([] as unknown[]).concat((error.params as { type?: unknown }).type);
}

/** What is wrong, without the path: `must contain ['name'] properties`. */
function rule(error: ErrorObject): string {
  switch (error.keyword) {
    case "type":
      return `must be ${expectedTypes(error).join(" or ")}`;
    case "required":
      return `must contain ${pyList(error.schema)} properties`;
    case "enum":
      return `must be one of ${pyList(error.schema)}`;
    case "anyOf":
      return "cannot be validated by any definition";
    case "oneOf":
      return `must be valid exactly by one definition (${oneOfMatches(error)} matches found)`;
    case "maxItems":
      return `must contain less than or equal to ${limit(error)} items`;
    case "minItems":
      return `must contain at least ${limit(error)} items`;
    case "maxLength":
      return `must be shorter than or equal to ${limit(error)} characters`;
    case "minLength":
      return `must be longer than or equal to ${limit(error)} characters`;
    case "maxProperties":
      return `must contain less than or equal to ${limit(error)} properties`;
    case "minProperties":
      return `must contain at least ${limit(error)} properties`;
    default:
      return error.message ?? `violates ${error.keyword}`;
  }
}

/**
 * The reference's message for one violation at `path` (already rendered, e.g.
 * `spec.steps[0]`): what a PermFail says and FunctionTests match (VAL-2, FT-3).
 */
export function violationMessage(error: ErrorObject, path: string): string {
  if (error.keyword === "type") {
    const expected = expectedTypes(error).join(" or ");
    return `${expected} ${path} must be ${expected}`;
  }
  return `${path} ${rule(error)}`;
}

/**
 * The same violation for a `koreo validate` line (CLI-11), which shows the path in its
 * own column: the rule alone, in plain words (`must be an integer`).
 */
export function violationSummary(error: ErrorObject): string {
  if (error.keyword === "type")
    return `must be ${expectedTypes(error)
      .map((t) => ARTICLE[String(t)] ?? String(t))
      .join(" or ")}`;
  return rule(error);
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
