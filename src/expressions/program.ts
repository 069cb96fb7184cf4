/**
 * A planned program and its evaluation: bind the scope, run with a fresh
 * iteration budget, and turn the CEL result into a Value or a PermFail.
 */
import { isCelError, plan, type CelError, type CelInput, type CelResult } from "@bufbuild/cel";
import type { Value } from "../value/index.ts";
import { children, type Expr } from "./ast.ts";
import { budgetExceeded, startBudget } from "./budget.ts";
import { celToValue, valueToCel } from "./convert.ts";
import { koreoEnv } from "./env.ts";
import { evaluationError, ExpressionFailure, permFail, unknownFailure, withoutEngineWording } from "./errors.ts";
import type { OperandPair } from "./failed-operands.ts";
import type { Evaluated, Scope } from "./index.ts";
import { withFailureContext, type FailurePair } from "./library/failed-operands.ts";
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
  /**
   * The same program tolerating failed operands of `==`, `!=` and `in`
   * (EXPR-100/101), planned on first use. It runs only when this one fails:
   * where no operand fails both agree, so the common path pays nothing.
   */
  readonly absorbing: (() => Program) | undefined;
  /** In an absorbing program: the operand pairs `@koreo_same_failure` re-runs. */
  readonly pairs: readonly FailurePair[];
}

export interface PlanOptions {
  readonly general?: () => Program;
  readonly absorbing?: () => Program;
  readonly pairs?: readonly OperandPair[];
}

export function planProgram(root: Expr, positions: ReadonlyMap<bigint, Position>, options: PlanOptions = {}): Program {
  const env = koreoEnv();
  const once = (make: (() => Program) | undefined): (() => Program) | undefined => {
    let planned: Program | undefined;
    return make === undefined ? undefined : () => (planned ??= make());
  };
  const pairs = (options.pairs ?? []).map((p) => ({ names: p.names, left: plan(env, p.left), right: plan(env, p.right), selected: selectionOperands(p) }));
  return { run: plan(env, root), positions, general: once(options.general), absorbing: once(options.absorbing), pairs };
}

/** The operand of a field selection inside the pair, by the selection's node id, planned once when first asked for. */
function selectionOperands(pair: OperandPair): FailurePair["selected"] {
  const planned = new Map<bigint, ReturnType<typeof plan> | undefined>();
  return (id) => {
    if (!planned.has(id)) {
      const operand = findSelectionOperand(pair.left, id) ?? findSelectionOperand(pair.right, id);
      planned.set(id, operand === undefined ? undefined : plan(koreoEnv(), operand));
    }
    return planned.get(id);
  };
}

function findSelectionOperand(e: Expr, id: bigint): Expr | undefined {
  const k = e.exprKind;
  if (k.case === "selectExpr" && e.id === id) return k.value.operand;
  for (const child of children(e)) {
    const found = findSelectionOperand(child, id);
    if (found !== undefined) return found;
  }
  return undefined;
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

function runOnce(program: Program, bindings: Record<string, CelInput>): CelResult {
  const { maxIterations, maxStringLength } = limits();
  startBudget(maxIterations, maxStringLength);
  if (program.pairs.length === 0) return program.run(bindings);
  return withFailureContext({ pairs: program.pairs, bindings, describe: (e) => details(e, program) }, () => program.run(bindings));
}

/** EXPR-70: evaluates and converts; every failure is a PermFail naming `location`. */
export function runProgram(planned: Program, location: string, scope: Scope, extra?: Scope): Evaluated {
  let program = planned.general !== undefined && bindsDottedName(scope, extra) ? planned.general() : planned;
  const { maxResultNodes } = limits();
  let result: CelResult;
  try {
    const bindings = bind(scope, extra);
    result = runOnce(program, bindings);
    if (isCelError(result) && budgetExceeded() === undefined && program.absorbing !== undefined) {
      program = program.absorbing();
      result = runOnce(program, bindings);
    }
  } catch (e) {
    return failed(e instanceof RangeError ? evaluationError(location, "", withoutEngineWording(e.message)) : unknownFailure(location), location);
  }
  const exceeded = budgetExceeded();
  if (exceeded !== undefined) return failed(evaluationError(location, "", exceeded.message), location);
  if (isCelError(result)) return failed(describe(result, program, location), location);
  try {
    return { ok: true, value: celToValue(result, { remaining: maxResultNodes }) };
  } catch (e) {
    if (e instanceof ExpressionFailure || e instanceof RangeError) return failed(evaluationError(location, "", withoutEngineWording(e.message)), location);
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
  return evaluationError(location, fragment(at), details(error, program));
}

/** The failure's own text, naming the variable when one is not bound. */
function details(error: CelError, program: Program): string {
  const at = error.exprId === undefined ? undefined : program.positions.get(error.exprId);
  return error.message === UNRESOLVED && at?.name !== undefined ? `undeclared reference to '${at.name}'` : withoutEngineWording(error.message);
}

function fragment(at: Position | undefined): string {
  if (at === undefined) return "";
  const rest = at.source.slice(at.offset);
  const text = rest.length > FRAGMENT_CHARS ? `${rest.slice(0, FRAGMENT_CHARS)}…` : rest;
  return `'${text}', column ${at.offset + 1}`;
}
