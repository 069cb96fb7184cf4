/**
 * A planned program and its evaluation: bind the scope, run with a fresh
 * iteration budget, and turn the CEL result into a Value or a PermFail.
 */
import { isCelError, plan, type CelError, type CelInput, type CelResult } from "@bufbuild/cel";
import type { Value } from "../value/value.ts";
import type { Expr } from "./ast.ts";
import { budgetExceeded, BudgetExceeded, budgetLimit, startBudget } from "./budget.ts";
import { celToValue, valueToCel } from "./convert.ts";
import { koreoEnv } from "./env.ts";
import { evaluationError, ExpressionFailure, permFail, unknownFailure } from "./errors.ts";
import type { Evaluated, Scope } from "./index.ts";
import { limits } from "./limits.ts";
import type { Position } from "./rewrite.ts";

export interface Program {
  readonly run: (bindings: Record<string, CelInput>) => CelResult;
  readonly positions: ReadonlyMap<bigint, Position>;
  /**
   * The same program with every has() on the general path, planned on first use.
   * Evaluation resolves `a.b.c` against a binding named `a.b` before walking `a`;
   * the has() fast path walks from `a`, so it must not see dotted bindings
   * (`koreo eval --inputs` can bind any name; the runtime binds plain ones).
   */
  readonly general: (() => Program) | undefined;
}

export function planProgram(root: Expr, positions: ReadonlyMap<bigint, Position>, general?: () => Program): Program {
  let planned: Program | undefined;
  return { run: plan(koreoEnv(), root), positions, general: general === undefined ? undefined : () => (planned ??= general()) };
}

function bindsDottedName(scope: Scope, extra?: Scope): boolean {
  for (const name in scope) if (name.includes(".")) return true;
  if (extra !== undefined) for (const name in extra) if (name.includes(".")) return true;
  return false;
}

/**
 * Instances have no inherited properties, so names like `constructor` are not
 * bound; unlike `Object.create(null)` they stay fast-mode objects, which keeps
 * the library's per-variable lookup off a dictionary (this runs per evaluation).
 */
const Bindings = function Bindings() {} as unknown as new () => Record<string, CelInput>;
Bindings.prototype = Object.create(null) as object;

/** Scope → CEL bindings. */
function bind(scope: Scope, extra?: Scope): Record<string, CelInput> {
  const bindings = new Bindings();
  for (const name in scope) bindings[name] = valueToCel(scope[name] as Value);
  if (extra !== undefined) for (const name in extra) bindings[name] = valueToCel(extra[name] as Value);
  return bindings;
}

/** EXPR-70: evaluates and converts; every failure is a PermFail naming `location`. */
export function runProgram(planned: Program, location: string, scope: Scope, extra?: Scope): Evaluated {
  const program = planned.general !== undefined && bindsDottedName(scope, extra) ? planned.general() : planned;
  const { maxIterations, maxResultNodes } = limits();
  let result: CelResult;
  try {
    startBudget(maxIterations);
    result = program.run(bind(scope, extra));
  } catch (e) {
    return failed(e instanceof RangeError ? evaluationError(location, "", e.message) : unknownFailure(location), location);
  }
  if (budgetExceeded()) return failed(evaluationError(location, "", new BudgetExceeded(budgetLimit()).message), location);
  if (isCelError(result)) return failed(describe(result, program, location), location);
  try {
    return { ok: true, value: celToValue(result, { remaining: maxResultNodes }) };
  } catch (e) {
    if (e instanceof ExpressionFailure || e instanceof RangeError) return failed(evaluationError(location, "", e.message), location);
    return failed(unknownFailure(location), location);
  }
}

function failed(message: string, location: string): Evaluated {
  return { ok: false, outcome: permFail(message, location) };
}

const FRAGMENT_CHARS = 48;

/** The library's text for a variable that is not bound (or a path under it). */
const UNRESOLVED = "unresolved attribute";

/** EXPR-70: the fragment is the source from the failing node's position. */
function describe(error: CelError, program: Program, location: string): string {
  const at = error.exprId === undefined ? undefined : program.positions.get(error.exprId);
  const details = error.message === UNRESOLVED && at?.name !== undefined ? `undeclared reference to '${at.name}'` : error.message;
  return evaluationError(location, fragment(at), details);
}

function fragment(at: Position | undefined): string {
  if (at === undefined) return "";
  const rest = at.source.slice(at.offset);
  const text = rest.length > FRAGMENT_CHARS ? `${rest.slice(0, FRAGMENT_CHARS)}…` : rest;
  return `'${text}', column ${at.offset + 1}`;
}
