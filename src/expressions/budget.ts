/**
 * The per-evaluation budget: comprehension iterations (and list elements built)
 * and the length of any string built. Evaluation is synchronous and never
 * re-entered, so module-level state, reset by program.ts before each
 * evaluation, serves every comprehension and string function of that evaluation.
 */
export class BudgetExceeded extends Error {
  constructor(detail: string) {
    super(`evaluation budget exceeded: ${detail}`);
    this.name = "BudgetExceeded";
  }
}

let limit = 0;
let remaining = 0;
let maxString = 0;
let exceeded: BudgetExceeded | undefined;

export function startBudget(iterations: number, stringLength: number): void {
  limit = iterations;
  remaining = iterations;
  maxString = stringLength;
  exceeded = undefined;
}

function exceed(detail: string): never {
  exceeded ??= new BudgetExceeded(detail);
  throw exceeded;
}

/** Charges `n` iterations; once exceeded, every further charge fails at once so loops unwind fast. */
export function charge(n: number): void {
  remaining -= n;
  if (exceeded !== undefined || remaining < 0) exceed(`more than ${limit} comprehension iterations or list elements`);
}

/**
 * Refuses a string of `length` characters before it is built: repeated
 * `replace` or `acc + acc` grows text geometrically, and V8's own limit
 * ("Invalid string length") comes only after gigabytes.
 */
export function chargeString(length: number): void {
  if (exceeded !== undefined || length > maxString) exceed(`a string longer than ${maxString} characters`);
}

/** The exceeded budget of the last evaluation, if any. */
export function budgetExceeded(): BudgetExceeded | undefined {
  return exceeded;
}
