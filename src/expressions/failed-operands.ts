/**
 * EXPR-100/101 in the absorbing program: `a == b`, `a != b` and `a in b` with a
 * failed operand. Each operand is evaluated once into a binding (a one-step
 * comprehension is the only CEL construct that holds an error as a value), and
 * the comparison then decides from which bindings failed:
 *
 *   a == b   one failed, the other absorbs (not a number, list or map) → false
 *            (`!=`: true); both failed → whether the failures are the same
 *   a in b   a failed, b absorbs (map, string, list without numbers/lists/maps) → false
 *
 * and otherwise fails as before. Everything else stays strict.
 */
import { call, children, comprehension, constant, ident, list, type CallNode, type Expr } from "./ast.ts";
import { INTERNAL } from "./library/names.ts";
import type { Position, RewriteContext } from "./rewrite.ts";

/** An operand pair `@koreo_same_failure` may re-run, with the comprehension variables it reads. */
export interface OperandPair {
  readonly left: Expr;
  readonly right: Expr;
  readonly names: readonly string[];
}

export interface AbsorbingTree {
  /** The absorbing program: every comparison tolerates failed operands (else only those inside has()). */
  readonly everywhere: boolean;
  readonly pairs: OperandPair[];
}

const LEFT = "@left";
const RIGHT = "@right";
const STEP = "@step";

export function isComparison(c: CallNode): boolean {
  return c.target === undefined && c.args.length === 2 && (c.function === "_==_" || c.function === "_!=_" || c.function === "@in");
}

/** `c` rewritten to tolerate failed operands; `sub` rewrites an operand, `position` is the operator's. */
export function absorbingComparison(c: CallNode, sub: (x: Expr) => Expr, ctx: RewriteContext, position: Position | undefined): Expr {
  const tree = ctx.absorbing as AbsorbingTree;
  const { ids } = ctx;
  const [a, b] = c.args as [Expr, Expr];
  const [left, right] = [sub(a), sub(b)];
  const read = (name: string): Expr => ident(ids, name);
  const fails = (name: string): Expr => call(ids, "@not_strictly_false", [call(ids, INTERNAL.alwaysFalse, [read(name)])]);
  const when = (test: Expr, then: Expr, otherwise: Expr): Expr => call(ids, "_?_:_", [test, then, otherwise]);
  const bool = (value: boolean): Expr => constant(ids, { case: "boolValue", value });
  const strict = call(ids, c.function, [read(LEFT), read(RIGHT)]);
  if (position !== undefined) ctx.positions.set(strict.id, position);

  let decided: Expr;
  if (c.function === "@in") {
    const absorbed = when(call(ids, INTERNAL.absorbsMembership, [read(RIGHT)]), bool(false), read(LEFT));
    decided = when(fails(LEFT), when(fails(RIGHT), read(RIGHT), absorbed), strict);
  } else {
    const equal = c.function === "_==_";
    const names = [...new Set(identifiers(c.args).filter((n) => ctx.scope.includes(n)))];
    const index = tree.pairs.push({ left, right, names }) - 1;
    const same = call(ids, INTERNAL.sameFailure, [constant(ids, { case: "int64Value", value: BigInt(index) }), list(ids, names.map(read))]);
    const absorbs = (name: string, failed: string): Expr => when(call(ids, INTERNAL.absorbsEquality, [read(name)]), bool(!equal), read(failed));
    decided = when(
      fails(LEFT),
      when(fails(RIGHT), equal ? same : call(ids, "!_", [same]), absorbs(RIGHT, LEFT)),
      when(fails(RIGHT), absorbs(LEFT, RIGHT), strict),
    );
  }
  return bind(LEFT, left, bind(RIGHT, right, decided));

  /** `body` with `name` bound to `value`, error or not: a one-step comprehension whose step is `value`. */
  function bind(name: string, value: Expr, body: Expr): Expr {
    return comprehension(ids, {
      iterVar: STEP,
      iterRange: list(ids, [constant(ids, { case: "int64Value", value: 0n })]),
      accuVar: name,
      accuInit: bool(false),
      loopCondition: bool(true),
      loopStep: value,
      result: body,
    });
  }
}

/** Every identifier the expressions read (a superset of their free variables, which is enough here). */
function identifiers(exprs: readonly Expr[]): string[] {
  const out: string[] = [];
  const visit = (e: Expr): void => {
    if (e.exprKind.case === "identExpr") out.push(e.exprKind.value.name);
    children(e).forEach(visit);
  };
  exprs.forEach(visit);
  return out;
}
