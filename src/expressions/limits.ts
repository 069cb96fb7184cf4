/**
 * Bounds against hostile or runaway programs. Every limit is checked before the
 * costly step it protects (length and nesting before parsing, iterations while
 * evaluating, result size while converting back), so a bad expression ends in a
 * clear PermFail instead of a hung or crashed process.
 */
export interface ExpressionLimits {
  /** Characters of CEL source in one expression (checked before parsing). */
  readonly maxSourceLength: number;
  /** Bracket nesting `( [ {` in one expression (checked before parsing: the parser recurses). */
  readonly maxNestingDepth: number;
  /** Depth of the syntax tree after parsing (planning and evaluation recurse over it). */
  readonly maxAstDepth: number;
  /** Comprehension iterations (macros, reduce) in one evaluation. */
  readonly maxIterations: number;
  /** Values (scalars, list items, map entries) in one converted result. */
  readonly maxResultNodes: number;
  /** Characters in any string an evaluation builds (concatenation, replace, to_json, …). */
  readonly maxStringLength: number;
}

export const DEFAULT_LIMITS: ExpressionLimits = Object.freeze({
  maxSourceLength: 64 * 1024,
  maxNestingDepth: 256,
  maxAstDepth: 1000,
  maxIterations: 1_000_000,
  maxResultNodes: 1_000_000,
  maxStringLength: 4 * 1024 * 1024,
});

let current: ExpressionLimits = DEFAULT_LIMITS;

export function limits(): ExpressionLimits {
  return current;
}

/** Replaces some limits for the whole process (e.g. from configuration at start-up). */
export function configureLimits(overrides: Partial<ExpressionLimits>): ExpressionLimits {
  current = Object.freeze({ ...current, ...overrides });
  return current;
}
