/**
 * What the CEL parser drops, restored from the source text (EXPR-108):
 *
 * - `!!x`, `--x`, `!(!x)`, `-(-x)`: the parser folds a double negation into
 *   `x`, but `!` needs a bool and unary `-` a number even when doubled. Each
 *   unary run that left no node behind gets its operand wrapped in a check.
 * - bytes literals: the parser keeps only the low byte of a character beyond
 *   U+FFFF and of a `\U` escape. An escape-free literal is re-encoded as UTF-8;
 *   a `\U` escape is a parse error, as in the reference.
 */
import { call, children, IdAllocator, type Expr, type ParsedExpr } from "./ast.ts";
import { INTERNAL } from "./library/names.ts";

type Positions = Readonly<Record<string, number>>;

/** The repaired root (`parsed` is fresh from the parser and not shared), or the literal the reference would refuse. */
export function restoreParserGaps(parsed: ParsedExpr, source: string, positions: Positions): Expr | LiteralError | undefined {
  let root = parsed.expr;
  if (root === undefined) return root;
  const ids = idsAfter(root);
  const hasUnary = /[!-]/.test(source);
  const hasBytes = /[bB][rR]?["']|[rR][bB]["']/.test(source);
  if (hasBytes) {
    try {
      root = replaceNodes(root, (e) => bytesRepair(e, source, positions));
    } catch (e) {
      if (e instanceof LiteralError) return e;
      throw e;
    }
  }
  if (hasUnary) {
    for (const run of collapsedRuns(source, root, positions)) {
      const operand = outermostWithin(root, positions, run.operandStart, run.operandEnd);
      if (operand === undefined) continue;
      const check = run.op === "!" ? INTERNAL.requireBool : INTERNAL.requireNumber;
      root = replaceNodes(root, (e) => (e === operand ? call(ids, check, [operand]) : undefined));
    }
  }
  return root;
}

/** Fresh ids above the parser's. */
function idsAfter(root: Expr): IdAllocator {
  let last = 0n;
  visit(root, (e) => {
    if (e.id > last) last = e.id;
  });
  return new IdAllocator(last);
}

/** A literal the reference refuses to parse; compile.ts reports it as a parse error at `offset`. */
export class LiteralError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function visit(e: Expr | undefined, f: (e: Expr) => void): void {
  if (e === undefined) return;
  f(e);
  for (const child of children(e)) visit(child, f);
}

/** Rebuilds `e` with `replace(node)` substituted wherever it returns a node (children first is not needed: replacements are leaves or wrappers). */
function replaceNodes(e: Expr, replace: (e: Expr) => Expr | undefined): Expr {
  const direct = replace(e);
  if (direct !== undefined) return direct;
  const sub = (x: Expr): Expr => replaceNodes(x, replace);
  const k = e.exprKind;
  switch (k.case) {
    case "selectExpr":
      return k.value.operand === undefined ? e : { ...e, exprKind: { case: k.case, value: { ...k.value, operand: sub(k.value.operand) } } };
    case "callExpr":
      return {
        ...e,
        exprKind: {
          case: k.case,
          value: { ...k.value, args: k.value.args.map(sub), ...(k.value.target === undefined ? {} : { target: sub(k.value.target) }) },
        },
      };
    case "listExpr":
      return { ...e, exprKind: { case: k.case, value: { ...k.value, elements: k.value.elements.map(sub) } } };
    case "structExpr": {
      const entries = k.value.entries.map((en) => ({
        ...en,
        keyKind: en.keyKind.case === "mapKey" ? { case: "mapKey" as const, value: sub(en.keyKind.value) } : en.keyKind,
        value: en.value === undefined ? undefined : sub(en.value),
      }));
      return { ...e, exprKind: { case: k.case, value: { ...k.value, entries } } };
    }
    case "comprehensionExpr": {
      const c = k.value;
      const opt = (x: Expr | undefined): Expr | undefined => (x === undefined ? undefined : sub(x));
      return {
        ...e,
        exprKind: {
          case: k.case,
          value: {
            ...c,
            iterRange: opt(c.iterRange),
            accuInit: opt(c.accuInit),
            loopCondition: opt(c.loopCondition),
            loopStep: opt(c.loopStep),
            result: opt(c.result),
          },
        },
      };
    }
    default:
      return e;
  }
}

interface Run {
  readonly op: "!" | "-";
  readonly operandStart: number;
  readonly operandEnd: number;
}

/** Source text with string and bytes literals blanked, so scanning never looks inside them. */
function blankLiterals(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c !== '"' && c !== "'") {
      out += c;
      i++;
      continue;
    }
    const end = literalEnd(source, i);
    out += c + " ".repeat(Math.max(0, end - i - 2)) + (end - i >= 2 ? c : "");
    i = end;
  }
  return out;
}

/**
 * Index after the string or bytes literal whose quote is at `start` (single- or
 * triple-quoted; in a raw literal a backslash escapes nothing). An unterminated
 * single-quoted literal ends at the line break, as the CEL lexer sees it.
 */
export function literalEnd(source: string, start: number): number {
  const q = source[start] as string;
  const raw = /[rR]/.test(source[start - 1] ?? "") || /[rR]/.test(source[start - 2] ?? "");
  const triple = source.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  while (i < source.length) {
    if (source[i] === "\\" && !raw) i += 2;
    else if (source.startsWith(close, i)) return i + close.length;
    else if (!triple && source[i] === "\n") return i;
    else i++;
  }
  return i;
}

const OPERAND_END = /[\s)\]},?:|&=<>+*/%!-]/;

/** Unary runs (`!!`, `--`, or one op before a parenthesised same-op unary) that the parser folded away. */
function collapsedRuns(source: string, root: Expr, positions: Positions): Run[] {
  const text = blankLiterals(source);
  const unaryAt = new Set<string>();
  visit(root, (e) => {
    const k = e.exprKind;
    const offset = positions[e.id.toString()];
    if (k.case === "callExpr" && (k.value.function === "!_" || k.value.function === "-_") && offset !== undefined)
      unaryAt.add(`${k.value.function[0]}${offset}`);
  });
  const runs: Run[] = [];
  for (let i = 0; i < text.length; i++) {
    const op = text[i];
    if ((op !== "!" && op !== "-") || !startsUnary(text, i)) continue;
    let end = i;
    while (text[end] === op) end++;
    if (op === "!" && text[end] === "=") continue;
    // `-7` is a negative literal, not a unary minus.
    if (op === "-" && end - i === 1 && /[0-9.]/.test(text[end] ?? "")) continue;
    if (!unaryAt.has(`${op}${i}`)) runs.push({ op, operandStart: end, operandEnd: memberEnd(text, end) });
    i = end - 1;
  }
  return runs;
}

/** A unary operator may start here: at the start, after an opening bracket, a separator or a binary operator. */
function startsUnary(text: string, at: number): boolean {
  let j = at - 1;
  while (j >= 0 && /\s/.test(text[j] as string)) j--;
  if (j < 0) return true;
  if (/[([{,?:|&=<>+*/%!-]/.test(text[j] as string)) return true;
  return /\bin$/.test(text.slice(0, j + 1));
}

/** End of the Member (primary and its `.f`, `.f(...)`, `[...]` tails) starting at `start`. */
function memberEnd(text: string, start: number): number {
  let i = start;
  while (/\s/.test(text[i] ?? "")) i++;
  if (text[i] === "-" && /[0-9.]/.test(text[i + 1] ?? "")) i++;
  if (text[i] === "(" || text[i] === "[" || text[i] === "{") i = matching(text, i);
  else if (text[i] === '"' || text[i] === "'") i = literalEnd(text, i);
  else while (i < text.length && !OPERAND_END.test(text[i] as string) && text[i] !== "(" && text[i] !== "[" && text[i] !== ".") i++;
  for (;;) {
    if (text[i] === "(" || text[i] === "[") i = matching(text, i);
    else if (text[i] === "." && /[A-Za-z_]/.test(text[i + 1] ?? "")) {
      i++;
      while (/[A-Za-z0-9_]/.test(text[i] ?? "")) i++;
    } else return i;
  }
}

function matching(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if ("([{".includes(text[i] as string)) depth++;
    else if (")]}".includes(text[i] as string) && --depth === 0) return i + 1;
  }
  return text.length;
}

/** The outermost node whose own and descendants' positions all lie in [start, end). */
function outermostWithin(root: Expr, positions: Positions, start: number, end: number): Expr | undefined {
  const span = (e: Expr): [number, number] => {
    let [lo, hi] = [Infinity, -Infinity];
    visit(e, (x) => {
      const at = positions[x.id.toString()];
      if (at === undefined) return;
      lo = Math.min(lo, at);
      hi = Math.max(hi, at);
    });
    return [lo, hi];
  };
  let found: Expr | undefined;
  const search = (e: Expr): void => {
    if (found !== undefined) return;
    const [lo, hi] = span(e);
    if (lo >= start && hi < end) {
      found = e;
      return;
    }
    children(e).forEach(search);
  };
  search(root);
  return found;
}

const ENCODER = new TextEncoder();

/** A bytes constant re-read from its source text, or undefined when the parser's value stands. */
function bytesRepair(e: Expr, source: string, positions: Positions): Expr | undefined {
  const k = e.exprKind;
  if (k.case !== "constExpr" || k.value.constantKind.case !== "bytesValue") return undefined;
  const at = positions[e.id.toString()];
  if (at === undefined) return undefined;
  const quote = source.slice(at).search(/["']/);
  if (quote < 0) return undefined;
  const prefix = source.slice(at, at + quote);
  const open = at + quote;
  const end = literalEnd(source, open);
  const q = source.startsWith(source[open]?.repeat(3) ?? "", open) ? 3 : 1;
  const body = source.slice(open + q, end - q);
  const raw = /[rR]/.test(prefix);
  if (!raw && /\\U/.test(body)) throw new LiteralError("a bytes literal cannot hold a \\U escape", at);
  if (!/[\u{10000}-\u{10FFFF}]/u.test(body) || (!raw && body.includes("\\"))) return undefined;
  return { ...e, exprKind: { case: "constExpr", value: { ...k.value, constantKind: { case: "bytesValue", value: ENCODER.encode(body) } } } };
}
