/**
 * Builds a registry from a LoadResult (for `koreo validate`, `koreo test`, cold starts).
 * Kinds go in dependency-friendly order so most definitions are prepared once; the final
 * state does not depend on the order because dependants are re-prepared (CACHE-4, WF-31).
 */
import { byDependencyOrder, DEPENDENCY_ORDER, type Definition, type Preparers, type Problem, type RegistryEntry } from "./definition.ts";
import { formatPath, parsePath, type PathSegment } from "./field-path.ts";
import { isList, isMap, type Value } from "../value/value.ts";
import type { LoadResult } from "./load.ts";
import { definitionProblem } from "./problem.ts";
import { createRegistry, type Registry } from "./registry.ts";

export interface LoadedRegistry {
  readonly registry: Registry;
  /** Failed preparations (with source positions) and CACHE-1 duplicates. */
  readonly problems: Problem[];
}

/** A preparer's problems, positioned from the definition when the preparer gave no file position. */
function entryProblems(entry: RegistryEntry): Problem[] {
  const { definition, prepared } = entry;
  if (prepared.ok) return [...(prepared.warnings ?? [])].map((p) => positioned(definition, p));
  const problems = prepared.problems.length > 0 ? prepared.problems : [definitionProblem("error", definition, "spec", prepared.outcome.message ?? "preparation failed")];
  return problems.map((p) => positioned(definition, p));
}

/** EXPR-20's message: `Parsing error at line L, column C. '…' in <location> ('<cel text>')`. */
const PARSE_ERROR = /^Parsing error at line \d+, column \d+\. [\s\S]* \('([\s\S]*)'\)$/;

/** The path of the first expression string under `value` whose CEL text is `cel`. */
function expressionPath(value: Value | undefined, cel: string, path: PathSegment[]): PathSegment[] | undefined {
  if (typeof value === "string") {
    const text = value.replace(/^=+/, "");
    return value.startsWith("=") && (text === cel || text.trim() === cel.trim()) ? path : undefined;
  }
  if (isList(value)) {
    for (const [i, item] of value.entries()) {
      const found = expressionPath(item, cel, [...path, i]);
      if (found !== undefined) return found;
    }
  } else if (isMap(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = expressionPath(item, cel, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function valueAt(root: Value, segments: readonly PathSegment[]): Value | undefined {
  let node: Value | undefined = root;
  for (const s of segments) node = typeof s === "number" ? (isList(node) ? node[s] : undefined) : isMap(node) ? node[s] : undefined;
  return node;
}

/**
 * CLI-11: an expression syntax error is reported at the expression string itself. The
 * preparers name the body they compiled (`spec.locals`); the expression inside it is
 * found by its text, and the problem moves to that field and the string's position.
 */
function atExpression(definition: Definition, p: Problem): Problem {
  const cel = p.path === undefined ? undefined : PARSE_ERROR.exec(p.message)?.[1];
  if (cel === undefined || p.path === undefined) return p;
  const base = parsePath(p.path);
  const found = expressionPath(valueAt(definition.raw, base), cel, base);
  if (found === undefined) return p;
  const path = formatPath(found);
  const at = definition.valuePositionOf?.(path) ?? definition.positionOf(path);
  return at === undefined ? { ...p, path } : { ...p, path, file: at.file, line: at.line, column: at.column };
}

function positioned(definition: Definition, problem: Problem): Problem {
  const p = atExpression(definition, problem);
  const withIdentity: Problem = p.kind === undefined ? { ...p, kind: definition.kind, name: definition.name, ...(definition.namespace !== undefined ? { namespace: definition.namespace } : {}) } : p;
  if (withIdentity.file !== undefined) return withIdentity;
  const at = definition.positionOf(p.path ?? "spec") ?? definition.source;
  return at === undefined ? withIdentity : { ...withIdentity, file: at.file, line: at.line, column: at.column };
}

export function loadRegistry(result: LoadResult, preparers: Preparers, options: { readonly namespaces?: readonly string[] } = {}): LoadedRegistry {
  const registry = createRegistry({ preparers, ...(options.namespaces !== undefined ? { namespaces: options.namespaces } : {}) });
  for (const definition of [...result.definitions].sort(byDependencyOrder)) registry.upsert(definition);
  const problems = DEPENDENCY_ORDER.flatMap((kind) => [...registry.entries(kind)].flatMap(entryProblems));
  return { registry, problems: [...problems, ...registry.conflicts] };
}
