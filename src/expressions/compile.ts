/**
 * CEL source → parsed tree, once per distinct source text in the process.
 * Length and bracket nesting are checked before the parser runs: the parser is
 * recursive-descent and would otherwise overflow the stack on hostile input.
 */
import { parse } from "@bufbuild/cel";
import type { Expr } from "./ast.ts";
import { limitError, parseError } from "./errors.ts";
import { limits } from "./limits.ts";
import { LiteralError, literalEnd, restoreParserGaps } from "./parser-gaps.ts";
import { collectReferences } from "./references.ts";

export interface ParsedSource {
  readonly source: string;
  readonly expr: Expr;
  /** Node id → offset in `source`. */
  readonly offsets: Readonly<Record<string, number>>;
  /** EXPR-55..58: the dotted paths the expression reads (`steps.a`, `inputs.x`). */
  readonly references: ReadonlySet<string>;
}

export type ParseResult = { readonly ok: true; readonly parsed: ParsedSource } | { readonly ok: false; readonly message: string };

const MAX_CACHED = 10_000;
const cache = new Map<string, ParsedSource>();

/** Parses CEL text (already stripped of `=`); `location` only names the field in messages. */
export function parseSource(source: string, location: string): ParseResult {
  const cached = cache.get(source);
  if (cached !== undefined) return { ok: true, parsed: cached };
  const rejected = checkBounds(source, location);
  if (rejected !== undefined) return { ok: false, message: rejected };
  const result = parseUncached(source, location);
  if (result.ok) {
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(source, result.parsed);
  }
  return result;
}

function checkBounds(source: string, location: string): string | undefined {
  const { maxSourceLength, maxNestingDepth } = limits();
  if (source.length > maxSourceLength) {
    return limitError(location, `expression is ${source.length} characters long, the limit is ${maxSourceLength}`);
  }
  const depth = bracketDepth(source);
  if (depth > maxNestingDepth) {
    return limitError(location, `brackets nested ${depth} deep, the limit is ${maxNestingDepth}`);
  }
  return undefined;
}

/** Deepest `( [ {` nesting outside string literals; a cheap linear scan. */
export function bracketDepth(source: string): number {
  let depth = 0;
  let max = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '"' || c === "'") {
      i = literalEnd(source, i);
      continue;
    }
    if (c === "(" || c === "[" || c === "{") max = Math.max(max, ++depth);
    else if (c === ")" || c === "]" || c === "}") depth--;
    i++;
  }
  return max;
}

interface SyntaxErrorShape {
  readonly location?: { readonly start?: { readonly line?: number; readonly column?: number } };
  readonly message?: string;
}

function parseUncached(source: string, location: string): ParseResult {
  try {
    const parsed = parse(source);
    const offsets: Record<string, number> = {};
    for (const [id, offset] of Object.entries(parsed.sourceInfo?.positions ?? {})) offsets[id] = offset;
    const expr = restoreParserGaps(parsed, source, offsets);
    if (expr instanceof LiteralError) {
      const before = source.slice(0, expr.offset).split("\n");
      return { ok: false, message: parseError(location, source, before.length, (before.at(-1)?.length ?? 0) + 1, expr.message) };
    }
    if (expr === undefined) return { ok: false, message: parseError(location, source, 1, 1, "empty expression") };
    const references = new Set<string>();
    collectReferences(expr, references);
    return { ok: true, parsed: { source, expr, offsets, references } };
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, message: limitError(location, "expression is nested too deeply to parse") };
    const err = e as SyntaxErrorShape;
    const start = err.location?.start;
    const detail = (err.message ?? String(e)).replace(/^<input>:\d+:\d+: /, "");
    return { ok: false, message: parseError(location, source, start?.line ?? 1, start?.column ?? 1, detail) };
  }
}
