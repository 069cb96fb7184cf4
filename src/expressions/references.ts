/**
 * Static extraction of the dotted paths an expression reads (EXPR-55..58), used
 * for Workflow step dependencies and a function's dynamic inputs.
 */
import type { CallNode, Expr } from "./ast.ts";

/** Adds the paths read by `e` (a parsed, not rewritten, tree) to `out`. */
export function collectReferences(e: Expr | undefined, out: Set<string>): void {
  if (e === undefined) return;
  const chain = chainOf(e);
  if (chain !== undefined) {
    addPrefixes(chain, out);
    visitChainIndexes(e, out);
    return;
  }
  const k = e.exprKind;
  switch (k.case) {
    case "selectExpr":
      addMethodFieldQuirk(k.value.operand, k.value.field, out);
      collectReferences(k.value.operand, out);
      return;
    case "callExpr":
      collectReferences(k.value.target, out);
      for (const a of k.value.args) collectReferences(a, out);
      return;
    case "listExpr":
      for (const x of k.value.elements) collectReferences(x, out);
      return;
    case "structExpr":
      for (const en of k.value.entries) {
        if (en.keyKind.case === "mapKey") collectReferences(en.keyKind.value, out);
        collectReferences(en.value, out);
      }
      return;
    case "comprehensionExpr": {
      const c = k.value;
      for (const part of [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result]) collectReferences(part, out);
      return;
    }
    default:
      return;
  }
}

/** EXPR-55: every prefix of length ≥ 2. */
function addPrefixes(chain: readonly string[], out: Set<string>): void {
  for (let n = 2; n <= chain.length; n++) out.add(chain.slice(0, n).join("."));
}

function indexCall(e: Expr): CallNode | undefined {
  const k = e.exprKind;
  return k.case === "callExpr" && k.value.function === "_[_]" && k.value.args.length === 2 && k.value.target === undefined ? k.value : undefined;
}

/** The segments of a selection chain rooted at an identifier (EXPR-55/56/57). */
function chainOf(e: Expr): string[] | undefined {
  const k = e.exprKind;
  if (k.case === "identExpr") return [k.value.name];
  if (k.case === "selectExpr") {
    const base = k.value.operand === undefined ? undefined : chainOf(k.value.operand);
    return base === undefined ? undefined : [...base, k.value.field];
  }
  const idx = indexCall(e);
  if (idx === undefined) return undefined;
  const [operand, index] = idx.args as [Expr, Expr];
  const base = chainOf(operand);
  return base === undefined ? undefined : [...base, leftmostText(index)];
}

/** EXPR-56/57: a literal index is its text; otherwise the first operand found. */
function leftmostText(e: Expr): string {
  const k = e.exprKind;
  switch (k.case) {
    case "constExpr":
      return String(k.value.constantKind.value ?? "");
    case "identExpr":
      return k.value.name;
    case "selectExpr":
      return k.value.operand === undefined ? k.value.field : leftmostText(k.value.operand);
    case "callExpr": {
      const first = k.value.target ?? k.value.args[0];
      return first === undefined ? k.value.function : leftmostText(first);
    }
    case "listExpr":
      return k.value.elements[0] === undefined ? "" : leftmostText(k.value.elements[0]);
    default:
      return "";
  }
}

/** Index expressions inside a chain are read too (`steps[inputs.k]` reads `inputs.k`). */
function visitChainIndexes(e: Expr, out: Set<string>): void {
  const k = e.exprKind;
  if (k.case === "selectExpr") {
    visitChainIndexes(k.value.operand as Expr, out);
    return;
  }
  const idx = indexCall(e);
  if (idx === undefined) return;
  const [operand, index] = idx.args as [Expr, Expr];
  visitChainIndexes(operand, out);
  collectReferences(index, out);
}

/** EXPR-58: `steps.a.f(1).b` also reports `steps.a.f.b` (zero-argument calls do not). */
function addMethodFieldQuirk(operand: Expr | undefined, field: string, out: Set<string>): void {
  const k = operand?.exprKind;
  if (k?.case !== "callExpr" || k.value.target === undefined || k.value.args.length === 0) return;
  const base = chainOf(k.value.target);
  if (base !== undefined) out.add([...base, k.value.function, field].join("."));
}
