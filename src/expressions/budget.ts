/**
 * The per-evaluation iteration budget. Evaluation is synchronous and never
 * re-entered, so one module-level counter, reset by program.ts before each
 * evaluation, serves every comprehension of that evaluation.
 */
export class BudgetExceeded extends Error {
  constructor(limit: number) {
    super(`evaluation budget exceeded: more than ${limit} comprehension iterations or list elements`);
    this.name = "BudgetExceeded";
  }
}

let limit = 0;
let remaining = 0;
let exceeded = false;

export function startBudget(iterations: number): void {
  limit = iterations;
  remaining = iterations;
  exceeded = false;
}

/** Charges `n` iterations; once exceeded, every further charge fails at once so loops unwind fast. */
export function charge(n: number): void {
  remaining -= n;
  if (exceeded || remaining < 0) {
    exceeded = true;
    throw new BudgetExceeded(limit);
  }
}

export function budgetExceeded(): boolean {
  return exceeded;
}

export function budgetLimit(): number {
  return limit;
}
