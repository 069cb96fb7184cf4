/**
 * Compiles a field — one expression, a literal, or a structure mixing both —
 * into one program (section 2). Instead of encoding the structure as CEL text,
 * the structure is built directly as one CEL tree whose expression leaves are
 * the parsed expressions: same values, same literal conversions (EXPR-5..13),
 * and one evaluation that fails as a whole (EXPR-40), without re-parsing
 * pasted text or escaping literals.
 */
import { INT64_MAX, INT64_MIN, isMap, keysOf, setEntry, type Value } from "../value/index.ts";
import { call, constant, IdAllocator, list, stringMap, type Expr } from "./ast.ts";
import { parseSource } from "./compile.ts";
import { ExpressionFailure, limitError, permFail, structuralError } from "./errors.ts";
import type { CompiledBody, Evaluated, Prepared, Scope } from "./index.ts";
import { INTERNAL } from "./library/names.ts";
import { limits } from "./limits.ts";
import { celSource, isExpressionText, literalKey, literalString } from "./literal.ts";
import { planProgram, runProgram, type Program } from "./program.ts";
import { rewriteLeaf, type Position, type RewriteContext } from "./rewrite.ts";
import type { AbsorbingTree } from "./failed-operands.ts";

/** EXPR-4: only the top-level value is tested for emptiness. */
export function isEmptyField(v: Value | undefined): boolean {
  if (v === undefined || v === null || v === false || v === 0n || v === 0 || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return isMap(v) && Object.keys(v).length === 0;
}

/** Builds one CEL tree for a structure; throws ExpressionFailure with a finished message. */
class TreeBuilder {
  readonly ids = new IdAllocator();
  readonly positions = new Map<bigint, Position>();
  readonly references = new Set<string>();
  /** Whether a has() took the fast path (rewrite.ts). */
  usedFastHas = false;
  /** Whether the tree compares with `==`, `!=` or `in` (rewrite.ts). */
  usedComparison = false;
  constructor(
    private readonly location: string,
    private readonly fastHas: boolean,
    /** Where comparisons tolerate failed operands (EXPR-100/101), and their operand pairs. */
    readonly absorbing: AbsorbingTree = { everywhere: false, pairs: [] },
  ) {}

  build(v: Value): Expr {
    if (typeof v === "string") return isExpressionText(v) ? this.expression(v) : this.literal(literalString(v));
    if (Array.isArray(v))
      return list(
        this.ids,
        v.map((x) => this.build(x)),
      );
    if (isMap(v))
      return stringMap(
        this.ids,
        keysOf(v).map((k) => [literalKey(k), this.build(v[k] as Value)] as const),
      );
    return this.literal(v);
  }

  private expression(text: string): Expr {
    const parsed = parseSource(celSource(text), this.location);
    if (!parsed.ok) throw new ExpressionFailure(parsed.message);
    for (const r of parsed.parsed.references) this.references.add(r);
    const ctx: RewriteContext = {
      ids: this.ids,
      positions: this.positions,
      maxDepth: limits().maxAstDepth,
      fastHas: this.fastHas,
      usedFastHas: false,
      usedComparison: false,
      absorbing: this.absorbing,
      insideHas: 0,
      scope: [],
    };
    try {
      const rewritten = rewriteLeaf(parsed.parsed.expr, parsed.parsed.source, parsed.parsed.offsets, ctx);
      this.usedFastHas ||= ctx.usedFastHas;
      this.usedComparison ||= ctx.usedComparison;
      return rewritten;
    } catch (e) {
      if (e instanceof ExpressionFailure) throw new ExpressionFailure(limitError(this.location, e.message));
      throw e;
    }
  }

  /** EXPR-7/8: scalars; out-of-range ints and non-finite doubles fail when evaluated. */
  private literal(v: Exclude<Value, Value[]> | Value): Expr {
    const { ids } = this;
    const fail = (message: string): Expr => call(ids, INTERNAL.fail, [constant(ids, { case: "stringValue", value: message })]);
    if (typeof v === "bigint") {
      if (v < INT64_MIN || v > INT64_MAX) return fail(`int literal ${v} is outside the 64-bit range`);
      return constant(ids, { case: "int64Value", value: v });
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return fail(`undeclared reference to '${String(v)}' (non-finite number)`);
      return constant(ids, { case: "doubleValue", value: v });
    }
    if (typeof v === "string") return constant(ids, { case: "stringValue", value: v });
    if (typeof v === "boolean") return constant(ids, { case: "boolValue", value: v });
    if (v === null) return constant(ids, { case: "nullValue", value: 0 });
    if (typeof v === "object") return this.build(v);
    throw new Error(`unsupported value of type ${typeof v}`);
  }
}

/** The value of a structure without expressions, or undefined when one of its leaves must fail. */
function literalValue(v: Value): Value | undefined {
  if (typeof v === "string") return isExpressionText(v) ? undefined : literalString(v);
  if (typeof v === "bigint") return v < INT64_MIN || v > INT64_MAX ? undefined : v;
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (Array.isArray(v)) {
    const out: Value[] = [];
    for (const x of v) {
      const lit = literalValue(x);
      if (lit === undefined) return undefined;
      out.push(lit);
    }
    return out;
  }
  if (isMap(v)) {
    const out: Record<string, Value> = {};
    for (const k of keysOf(v)) {
      const key = literalKey(k);
      const lit = literalValue(v[k] as Value);
      // A key that collides after escape processing must fail like the CEL map literal would.
      if (lit === undefined || Object.hasOwn(out, key)) return undefined;
      setEntry(out, key, lit);
    }
    return out;
  }
  return typeof v === "boolean" || v === null ? v : undefined;
}

class ProgramBody implements CompiledBody {
  constructor(
    readonly location: string,
    readonly references: ReadonlySet<string>,
    private readonly program: Program,
  ) {}
  evaluate(scope: Scope, extra?: Scope): Evaluated {
    return runProgram(this.program, this.location, scope, extra);
  }
}

class ConstantBody implements CompiledBody {
  readonly references: ReadonlySet<string> = new Set();
  constructor(
    readonly location: string,
    private readonly value: Value,
  ) {}
  evaluate(): Evaluated {
    return { ok: true, value: this.value };
  }
}

/** A body that may also bind extra variables (overlays bind `resource`). */
export interface InternalBody extends CompiledBody {
  evaluate(scope: Scope, extra?: Scope): Evaluated;
}

const MAX_CACHED = 10_000;
/** Single-expression programs shared by source text (they do not depend on the location). */
const expressionPrograms = new Map<string, { program: Program; references: ReadonlySet<string> }>();

/** `spec` planned with every has() on the general path (program.ts says when it runs). */
function planGeneral(spec: Value, location: string, usedComparison: boolean): Program {
  const builder = new TreeBuilder(location, false);
  const root = builder.build(spec);
  return planProgram(root, builder.positions, {
    pairs: builder.absorbing.pairs,
    ...(usedComparison ? { absorbing: () => planAbsorbing(spec, location) } : {}),
  });
}

/** `spec` planned to tolerate failed operands of comparisons (EXPR-100/101); on the general has() path too. */
function planAbsorbing(spec: Value, location: string): Program {
  const builder = new TreeBuilder(location, false, { everywhere: true, pairs: [] });
  const root = builder.build(spec);
  return planProgram(root, builder.positions, { pairs: builder.absorbing.pairs });
}

/** Compiles any value (no emptiness test) into a body. */
export function compileValue(spec: Value, location: string): Prepared<InternalBody> {
  try {
    if (isExpressionText(spec)) {
      const shared = expressionPrograms.get(spec);
      if (shared !== undefined) return { ok: true, value: new ProgramBody(location, shared.references, shared.program) };
    }
    const constantValue = literalValue(spec);
    if (constantValue !== undefined) return { ok: true, value: new ConstantBody(location, constantValue) };
    const builder = new TreeBuilder(location, true);
    const root = builder.build(spec);
    const { usedFastHas, usedComparison } = builder;
    const program = planProgram(root, builder.positions, {
      pairs: builder.absorbing.pairs,
      ...(usedFastHas ? { general: () => planGeneral(spec, location, usedComparison) } : {}),
      ...(usedComparison ? { absorbing: () => planAbsorbing(spec, location) } : {}),
    });
    if (isExpressionText(spec)) {
      if (expressionPrograms.size >= MAX_CACHED) expressionPrograms.clear();
      expressionPrograms.set(spec, { program, references: builder.references });
    }
    return { ok: true, value: new ProgramBody(location, builder.references, program) };
  } catch (e) {
    if (e instanceof ExpressionFailure) return { ok: false, outcome: permFail(e.message, location) };
    if (e instanceof RangeError) return { ok: false, outcome: permFail(limitError(location, "structure is nested too deeply"), location) };
    return { ok: false, outcome: permFail(structuralError(location, String(e)), location) };
  }
}
