/**
 * The one place that turns failures into Koreo's message texts (EXPR-20/21/23,
 * EXPR-50, EXPR-70/72/73). Everything else builds PermFails through these.
 */
import { Outcome, type PermFail } from "../outcome/index.ts";

/** Thrown (and caught) inside the module only; never crosses the contract. */
export class ExpressionFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpressionFailure";
  }
}

/** A Koreo extension function rejected its arguments; `message` is shown to users. */
export class KoreoFunctionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KoreoFunctionError";
  }
}

export function permFail(message: string, location: string): PermFail {
  return Outcome.permFail(message, location);
}

/** EXPR-20: the parse-error message, positions 1-based in the encoded CEL text. */
export function parseError(location: string, celText: string, line: number, column: number, detail: string): string {
  return `Parsing error at line ${line}, column ${column}. '${detail}' in ${location} ('${celText}')`;
}

/** EXPR-21: a field that must be a map holds something else. */
export function malformedMapping(location: string): string {
  return `Malformed ${location}, expected a mapping`;
}

/** EXPR-50: a predicate list that is not a list. */
export const MALFORMED_CONDITIONS = "Malformed conditions, expected a list";

/** EXPR-23: a structure that cannot be encoded as an expression. */
export function structuralError(location: string, detail: string): string {
  return `Structural error in ${location}, while building expression '${detail}'.`;
}

/** EXPR-70: `fragment` is the failing sub-expression's text, or empty when unknown. */
export function evaluationError(location: string, fragment: string, details: string): string {
  return `Error evaluating \`${location}\` (at ${fragment}) ${details}`;
}

/** EXPR-72: an unexpected internal failure while evaluating. */
export function unknownFailure(location: string): string {
  return `Unknown failure evaluating \`${location}\`.`;
}

/** EXPR-73: a predicate's outcome cannot be interpreted (e.g. a non-integer delay). */
export function outcomeError(location: string, detail: string): string {
  return `Error evaluating \`${location}\`: ${detail}`;
}

/** A preparation-time bound (limits.ts) was exceeded. */
export function limitError(location: string, detail: string): string {
  return `Expression rejected in ${location}: ${detail}`;
}

/** Errors the JS engine raises when a bound was not caught earlier (deep recursion, huge strings). */
export function isResourceExhaustion(e: unknown): boolean {
  return e instanceof RangeError;
}

const ENGINE_MESSAGES: Readonly<Record<string, string>> = {
  "Invalid string length": "evaluation budget exceeded: a string too long to build",
  "Invalid array length": "evaluation budget exceeded: a list too long to build",
  "Maximum call stack size exceeded": "evaluation budget exceeded: values nested too deeply",
};

/** A JS engine message said in Koreo's words; other messages are returned as they are. */
export function withoutEngineWording(message: string): string {
  return ENGINE_MESSAGES[message] ?? message;
}
