/**
 * The CEL syntax tree as @bufbuild/cel's parser produces it, and builders for
 * the few nodes Koreo adds. Types are derived from `parse` so they follow the
 * library without importing its generated protobuf package directly.
 */
import type { parse } from "@bufbuild/cel";

export type ParsedExpr = ReturnType<typeof parse>;
export type Expr = NonNullable<ParsedExpr["expr"]>;
type Kind = Expr["exprKind"];
export type CallNode = Extract<Kind, { case: "callExpr" }>["value"];
export type SelectNode = Extract<Kind, { case: "selectExpr" }>["value"];
export type ComprehensionNode = Extract<Kind, { case: "comprehensionExpr" }>["value"];
export type ListNode = Extract<Kind, { case: "listExpr" }>["value"];
export type StructNode = Extract<Kind, { case: "structExpr" }>["value"];
export type ConstNode = Extract<Kind, { case: "constExpr" }>["value"];
type ConstKind = ConstNode["constantKind"];
type Entry = StructNode["entries"][number];

/** Allocates ids for one program; ids key error positions (program.ts). */
export class IdAllocator {
  constructor(private last = 0n) {}
  next(): bigint {
    return ++this.last;
  }
}

function node(ids: IdAllocator, exprKind: Kind): Expr {
  return { $typeName: "cel.expr.Expr", id: ids.next(), exprKind };
}

export function constant(ids: IdAllocator, constantKind: ConstKind): Expr {
  return node(ids, { case: "constExpr", value: { $typeName: "cel.expr.Constant", constantKind } });
}

export function ident(ids: IdAllocator, name: string): Expr {
  return node(ids, { case: "identExpr", value: { $typeName: "cel.expr.Expr.Ident", name } });
}

export function call(ids: IdAllocator, fn: string, args: Expr[], target?: Expr): Expr {
  const value: CallNode = { $typeName: "cel.expr.Expr.Call", function: fn, args };
  if (target !== undefined) value.target = target;
  return node(ids, { case: "callExpr", value });
}

export function list(ids: IdAllocator, elements: Expr[]): Expr {
  return node(ids, { case: "listExpr", value: { $typeName: "cel.expr.Expr.CreateList", elements, optionalIndices: [] } });
}

export function stringMap(ids: IdAllocator, entries: ReadonlyArray<readonly [string, Expr]>): Expr {
  const built: Entry[] = entries.map(([key, value]) => ({
    $typeName: "cel.expr.Expr.CreateStruct.Entry",
    id: ids.next(),
    keyKind: { case: "mapKey", value: constant(ids, { case: "stringValue", value: key }) },
    value,
    optionalEntry: false,
  }));
  return node(ids, { case: "structExpr", value: { $typeName: "cel.expr.Expr.CreateStruct", messageName: "", entries: built } });
}

export function comprehension(ids: IdAllocator, parts: Omit<ComprehensionNode, "$typeName" | "iterVar2">): Expr {
  return node(ids, { case: "comprehensionExpr", value: { $typeName: "cel.expr.Expr.Comprehension", iterVar2: "", ...parts } });
}

/** A node with a new id but the same kind, for copying trees into another id space. */
export function withKind(ids: IdAllocator, exprKind: Kind): Expr {
  return node(ids, exprKind);
}

/** The direct sub-expressions of `e`, in source order. */
export function children(e: Expr): Expr[] {
  const k = e.exprKind;
  switch (k.case) {
    case "selectExpr":
      return k.value.operand === undefined ? [] : [k.value.operand];
    case "callExpr":
      return [...(k.value.target === undefined ? [] : [k.value.target]), ...k.value.args];
    case "listExpr":
      return k.value.elements;
    case "structExpr":
      return k.value.entries.flatMap((en) => [...(en.keyKind.case === "mapKey" ? [en.keyKind.value] : []), ...(en.value === undefined ? [] : [en.value])]);
    case "comprehensionExpr":
      return [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result].filter((x): x is Expr => x !== undefined);
    default:
      return [];
  }
}
