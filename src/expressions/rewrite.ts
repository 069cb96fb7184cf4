/**
 * Turns a parsed CEL tree into the tree Koreo plans, in a fresh id space, and
 * bounds its depth. The rewrites implement what @bufbuild/cel cannot be told
 * through its function API, because they change evaluation order or macros:
 *
 * - `has(e)` is "evaluating e does not fail" (EXPR-90): `@not_strictly_false(@koreo_false(e)) ? false : true`
 *   — a call returns its argument's error untouched, and `@not_strictly_false` maps errors to true.
 *   A chain of selections and constant indexes from a variable walks its value
 *   instead: `@koreo_absent2(a, "b", 0)` in place of `@koreo_false(a.b[0])`, and in
 *   `has(c) ? c : d` the walk also reads `c` (library/presence.ts).
 * - `l.reduce(acc, x, init, e)` becomes a comprehension (EXPR-93).
 * - a global call of a receiver function `f(x, a)` becomes `x.f(a)` (EXPR-31).
 * - every comprehension range passes through `@koreo_range`, which charges the
 *   iteration budget before the loop starts (limits.ts).
 * - the macros' `@result + [e]` becomes `@koreo_append(@result, e)`, an amortised
 *   O(1) append; the library's concatenation nests one wrapper per element,
 *   which makes map/filter quadratic and deep on long lists.
 * - `x[i]` becomes `@koreo_index(x, i)` unless `i` is a string literal: the
 *   library's attribute planner indexes lists with doubles and cannot index
 *   strings or count from the end (EXPR-86/87, library/collections.ts).
 * - in the absorbing program, and inside has() everywhere, `a == b`, `a != b` and
 *   `a in b` tolerate a failed operand (EXPR-100/101, failed-operands.ts): has()
 *   asks whether evaluation fails, and with such an operand it does not.
 */
import { INT64_MAX, INT64_MIN, UINT64_MAX } from "../value/index.ts";
import { call, comprehension, constant, ident, IdAllocator, list, withKind, type CallNode, type Expr } from "./ast.ts";
import { koreoEnv } from "./env.ts";
import { ExpressionFailure } from "./errors.ts";
import { compilePattern } from "./regex.ts";
import { INTERNAL, RECEIVER_FUNCTIONS } from "./library/names.ts";
import { absentFunction, MAX_SEGMENTS, valueFunction } from "./library/presence.ts";
import { absorbingComparison, isComparison, type AbsorbingTree } from "./failed-operands.ts";

export interface Position {
  /** CEL text of the leaf the node came from. */
  readonly source: string;
  /** Offset of the node in `source`. */
  readonly offset: number;
  /** The variable's name when the node is an identifier (EXPR-70 names undeclared ones). */
  readonly name?: string;
}

export interface RewriteContext {
  readonly ids: IdAllocator;
  readonly positions: Map<bigint, Position>;
  readonly maxDepth: number;
  /** Whether has() may take the fast path; the general form is kept for bindings with dotted names (program.ts). */
  readonly fastHas: boolean;
  /** Set when a has() took the fast path. */
  usedFastHas: boolean;
  /** Set when the tree compares with `==`, `!=` or `in`, whose failed operands the absorbing program tolerates. */
  usedComparison: boolean;
  /** Where comparisons tolerate failed operands (EXPR-100/101), and the operand pairs they may re-run. */
  readonly absorbing?: AbsorbingTree;
  /** How many has() arguments enclose the node being rewritten. */
  insideHas: number;
  /** Comprehension variables in scope, innermost last. */
  readonly scope: string[];
}

interface Leaf {
  readonly ctx: RewriteContext;
  readonly source: string;
  readonly offsets: Readonly<Record<string, number>>;
}

/** Rewrites one parsed leaf into `ctx`'s id space. Throws ExpressionFailure when too deep. */
export function rewriteLeaf(expr: Expr, source: string, offsets: Readonly<Record<string, number>>, ctx: RewriteContext): Expr {
  return rw(expr, { ctx, source, offsets }, 0);
}

function rw(e: Expr, leaf: Leaf, depth: number): Expr {
  if (depth > leaf.ctx.maxDepth) throw new ExpressionFailure(`expression nested deeper than ${leaf.ctx.maxDepth} levels`);
  const out = rewriteKind(e, leaf, depth + 1);
  const offset = leaf.offsets[e.id.toString()];
  if (offset === undefined) return out;
  const name = e.exprKind.case === "identExpr" ? e.exprKind.value.name : undefined;
  leaf.ctx.positions.set(out.id, name === undefined ? { source: leaf.source, offset } : { source: leaf.source, offset, name });
  return out;
}

/** Rewrites a has() argument: comparisons in it tolerate failed operands, as in the absorbing program. */
function hasArgumentOf(ctx: RewriteContext, rewrite: () => Expr): Expr {
  ctx.insideHas++;
  try {
    return rewrite();
  } finally {
    ctx.insideHas--;
  }
}

/** Runs `build` with comprehension variables in scope; names starting with `@` are the macros' own. */
function inScope<T>(ctx: RewriteContext, names: readonly string[], build: () => T): T {
  const visible = names.filter((n) => n !== "" && !n.startsWith("@"));
  ctx.scope.push(...visible);
  try {
    return build();
  } finally {
    ctx.scope.length -= visible.length;
  }
}

function rewriteKind(e: Expr, leaf: Leaf, depth: number): Expr {
  const { ids } = leaf.ctx;
  const k = e.exprKind;
  const sub = (x: Expr): Expr => rw(x, leaf, depth);
  switch (k.case) {
    case "selectExpr": {
      const operandOf = (x: Expr): Expr => (k.value.testOnly ? hasArgumentOf(leaf.ctx, () => sub(x)) : sub(x));
      const operand = k.value.operand === undefined ? undefined : operandOf(k.value.operand);
      const select = withKind(ids, { case: "selectExpr", value: { ...k.value, operand, testOnly: false } });
      return k.value.testOnly ? hasOf(leaf.ctx, select) : select;
    }
    case "callExpr":
      return rewriteCall(k.value, leaf, depth, leaf.offsets[e.id.toString()]);
    case "constExpr":
      return rewriteConstant(e, leaf);
    case "listExpr":
      return list(ids, k.value.elements.map(sub));
    case "structExpr": {
      const entries = k.value.entries.map((en) => {
        const keyKind = en.keyKind.case === "mapKey" ? { case: "mapKey" as const, value: sub(en.keyKind.value) } : en.keyKind;
        return { ...en, id: ids.next(), keyKind, value: en.value === undefined ? undefined : sub(en.value) };
      });
      return withKind(ids, { case: "structExpr", value: { ...k.value, entries } });
    }
    case "comprehensionExpr": {
      const c = k.value;
      const opt = (x: Expr | undefined): Expr | undefined => (x === undefined ? undefined : sub(x));
      const range = opt(c.iterRange);
      const accuInit = opt(c.accuInit);
      const [loopCondition, loopStep, result] = inScope(leaf.ctx, [c.iterVar, c.accuVar], () => [opt(c.loopCondition), opt(c.loopStep), opt(c.result)]);
      return withKind(ids, {
        case: "comprehensionExpr",
        value: {
          ...c,
          iterRange: range === undefined ? undefined : call(ids, INTERNAL.range, [range]),
          accuInit,
          loopCondition,
          loopStep,
          result,
        },
      });
    }
    default:
      return withKind(ids, k);
  }
}

/** EXPR-80: the parser accepts any digits; out-of-range literals fail when evaluated. */
function rewriteConstant(e: Expr, leaf: Leaf): Expr {
  const { ids } = leaf.ctx;
  const k = e.exprKind;
  if (k.case !== "constExpr") return withKind(ids, k);
  const c = k.value.constantKind;
  const bad = (c.case === "int64Value" && (c.value < INT64_MIN || c.value > INT64_MAX)) || (c.case === "uint64Value" && c.value > UINT64_MAX);
  if (!bad) return withKind(ids, k);
  return call(ids, INTERNAL.fail, [constant(ids, { case: "stringValue", value: `integer literal ${String(c.value)} overflows 64 bits` })]);
}

/**
 * True when evaluating `e` fails: `@koreo_false` passes an error through and
 * turns any value into false; a constant chain asks `@koreo_absent` instead.
 */
function failsOf(ctx: RewriteContext, e: Expr): Expr {
  const { ids } = ctx;
  const chain = ctx.fastHas ? constantChain(e, ids) : undefined;
  if (chain !== undefined) ctx.usedFastHas = true;
  const tested = chain === undefined ? call(ids, INTERNAL.alwaysFalse, [e]) : call(ids, absentFunction(chain.length - 1), chain);
  return call(ids, "@not_strictly_false", [tested]);
}

/** `has(e)`: the planner's own conditional is cheaper than a `!_` function call. */
function hasOf(ctx: RewriteContext, e: Expr): Expr {
  const { ids } = ctx;
  return call(ids, "_?_:_", [failsOf(ctx, e), constant(ids, { case: "boolValue", value: false }), constant(ids, { case: "boolValue", value: true })]);
}

/**
 * A rewritten `a.b["c"][0]` as `[a, "b", "c", 0]`: its root identifier, then one
 * constant per step — a string for a field access (`.f` and `["f"]` alike), any
 * other constant for an `@koreo_index`. Undefined for every other shape.
 */
function constantChain(e: Expr, ids: IdAllocator): Expr[] | undefined {
  const segments: Expr[] = [];
  let at: Expr | undefined = e;
  while (at !== undefined && segments.length <= MAX_SEGMENTS) {
    const k: Expr["exprKind"] = at.exprKind;
    if (k.case === "identExpr") {
      const path = segments.reverse();
      return path.length === 0 || namesType(k.value.name, path) ? undefined : [at, ...path];
    }
    if (k.case === "selectExpr") {
      segments.push(constant(ids, { case: "stringValue", value: k.value.field }));
      at = k.value.operand;
      continue;
    }
    const [operand, key] = k.case === "callExpr" && k.value.target === undefined && k.value.args.length === 2 ? k.value.args : [];
    const indexes = k.case === "callExpr" && (k.value.function === INTERNAL.index || (k.value.function === "_[_]" && isStringConstant(key)));
    if (!indexes || key?.exprKind.case !== "constExpr") return undefined;
    segments.push(key);
    at = operand;
  }
  return undefined;
}

/** `then` as `@koreo_value`, when it is the constant chain `tested` that has() takes the fast path for. */
function chainValue(ctx: RewriteContext, tested: Expr, then: Expr): Expr | undefined {
  const chain = ctx.fastHas ? constantChain(tested, ctx.ids) : undefined;
  const thenChain = chain === undefined ? undefined : constantChain(then, ctx.ids);
  if (chain === undefined || thenChain === undefined || !sameChain(chain, thenChain)) return undefined;
  return call(ctx.ids, valueFunction(thenChain.length - 1), thenChain);
}

/** Same root name and the same constants (`.f` and `["f"]` are the same access). */
function sameChain(a: readonly Expr[], b: readonly Expr[]): boolean {
  return a.length === b.length && a.every((x, i) => sameLeaf(x, b[i]));
}

function sameLeaf(x: Expr, y: Expr | undefined): boolean {
  const [p, q] = [x.exprKind, y?.exprKind];
  if (p.case === "identExpr") return q?.case === "identExpr" && p.value.name === q.value.name;
  if (p.case !== "constExpr" || q?.case !== "constExpr") return false;
  const [c, d] = [p.value.constantKind, q.value.constantKind];
  return c.case === d.case && c.value === d.value;
}

/**
 * The library resolves `a.b.c` as a qualified name before walking from `a`: when
 * the longest leading run of field names names a protobuf message or enum value
 * (`google.protobuf.Timestamp`), evaluation yields that, whatever `a` is bound to.
 */
function namesType(root: string, path: readonly Expr[]): boolean {
  const names = [root.replace(/^\./, "")];
  for (const segment of path) {
    const c = segment.exprKind;
    if (c.case !== "constExpr" || c.value.constantKind.case !== "stringValue") break;
    names.push(c.value.constantKind.value);
  }
  if (names.length < 2) return false;
  const { registry } = koreoEnv();
  return registry.getMessage(names.join(".")) !== undefined || registry.getEnum(names.slice(0, -1).join(".")) !== undefined;
}

/** The expression a `has(e)` / `has(e.f)` tests, or undefined when `h` is not a has(). */
function hasArgument(h: Expr | undefined): Expr | undefined {
  const k = h?.exprKind;
  if (k?.case === "selectExpr" && k.value.testOnly) return { ...(h as Expr), exprKind: { case: "selectExpr", value: { ...k.value, testOnly: false } } };
  if (k?.case === "callExpr" && k.value.function === "has" && k.value.target === undefined && k.value.args.length === 1) return k.value.args[0];
  return undefined;
}

/**
 * `has(e) ? a : b` and `!has(e)` are the common uses of has(); testing for failure
 * directly (branches swapped) saves the inner conditional on this hot path.
 * In `has(c) ? c : b`, `c` is read by the walk that tested it (chainValue).
 */
function rewriteHasUse(c: CallNode, sub: (x: Expr) => Expr, ctx: RewriteContext): Expr | undefined {
  const [cond, a, b] = c.args;
  const tested = c.target === undefined ? hasArgument(cond) : undefined;
  if (tested === undefined) return undefined;
  if (c.function === "!_" && c.args.length === 1)
    return failsOf(
      ctx,
      hasArgumentOf(ctx, () => sub(tested)),
    );
  if (c.function !== "_?_:_" || a === undefined || b === undefined || c.args.length !== 3) return undefined;
  const test = hasArgumentOf(ctx, () => sub(tested));
  const then = sub(a);
  return call(ctx.ids, "_?_:_", [failsOf(ctx, test), sub(b), chainValue(ctx, test, then) ?? then]);
}

function identName(e: Expr | undefined): string | undefined {
  return e?.exprKind.case === "identExpr" ? e.exprKind.value.name : undefined;
}

function isStringConstant(e: Expr | undefined): boolean {
  return e?.exprKind.case === "constExpr" && e.exprKind.value.constantKind.case === "stringValue";
}

function rewriteCall(c: CallNode, leaf: Leaf, depth: number, offset: number | undefined): Expr {
  const { ids } = leaf.ctx;
  const sub = (x: Expr): Expr => rw(x, leaf, depth);
  const [first, ...rest] = c.args;
  if (c.function === "matches") checkConstantPattern(c);
  if (isComparison(c)) {
    leaf.ctx.usedComparison = true;
    const position = offset === undefined ? undefined : { source: leaf.source, offset };
    const tree = leaf.ctx.absorbing;
    if (tree !== undefined && (tree.everywhere || leaf.ctx.insideHas > 0)) return absorbingComparison(c, sub, leaf.ctx, position);
  }
  const hasUse = rewriteHasUse(c, sub, leaf.ctx);
  if (hasUse !== undefined) return hasUse;
  if (c.target === undefined && c.function === "has" && c.args.length === 1 && first !== undefined) {
    return hasOf(
      leaf.ctx,
      hasArgumentOf(leaf.ctx, () => sub(first)),
    );
  }
  if (c.target !== undefined && c.function === "reduce" && c.args.length === 4) {
    const reduced = rewriteReduce(c.target, c.args, leaf, depth);
    if (reduced !== undefined) return reduced;
  }
  if (c.function === "_+_" && identName(first) === "@result") {
    const appended = rest[0]?.exprKind;
    if (appended?.case === "listExpr" && appended.value.elements.length === 1 && appended.value.elements[0] !== undefined) {
      return call(ids, INTERNAL.append, [sub(first as Expr), sub(appended.value.elements[0])]);
    }
  }
  if (c.function === "_[_]" && c.target === undefined && c.args.length === 2 && first !== undefined && !isStringConstant(rest[0])) {
    return call(ids, INTERNAL.index, [sub(first), sub(rest[0] as Expr)]);
  }
  if (c.target === undefined && first !== undefined && RECEIVER_FUNCTIONS.has(c.function)) {
    return call(ids, c.function, rest.map(sub), sub(first));
  }
  return call(ids, c.function, c.args.map(sub), c.target === undefined ? undefined : sub(c.target));
}

/** EXPR-106: a constant pattern is compiled now, so an invalid one fails preparation (and `koreo validate`). */
function checkConstantPattern(c: CallNode): void {
  const pattern = c.target === undefined ? c.args[1] : c.args[0];
  const k = pattern?.exprKind;
  if (k?.case !== "constExpr" || k.value.constantKind.case !== "stringValue") return;
  const compiled = compilePattern(k.value.constantKind.value);
  if (!compiled.ok) throw new ExpressionFailure(compiled.message);
}

/** EXPR-93: `l.reduce(acc, x, init, e)`; other shapes stay an (unknown) function call. */
function rewriteReduce(target: Expr, args: Expr[], leaf: Leaf, depth: number): Expr | undefined {
  const [accu, iter, init, step] = args;
  const accuVar = identName(accu);
  const iterVar = identName(iter);
  if (accuVar === undefined || iterVar === undefined || init === undefined || step === undefined) return undefined;
  const { ids } = leaf.ctx;
  const sub = (x: Expr): Expr => rw(x, leaf, depth);
  const iterRange = call(ids, INTERNAL.range, [sub(target)]);
  const accuInit = sub(init);
  return comprehension(ids, {
    accuVar,
    iterVar,
    iterRange,
    accuInit,
    loopCondition: constant(ids, { case: "boolValue", value: true }),
    loopStep: inScope(leaf.ctx, [iterVar, accuVar], () => sub(step)),
    result: ident(ids, accuVar),
  });
}
