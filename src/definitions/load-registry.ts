/**
 * Builds a registry from a LoadResult (for `koreo validate`, `koreo test`, cold starts).
 * Kinds go in dependency-friendly order so most definitions are prepared once; the final
 * state does not depend on the order because dependants are re-prepared (CACHE-4, WF-31).
 */
import { byDependencyOrder, DEPENDENCY_ORDER, type Definition, type Preparers, type Problem, type RegistryEntry } from "./definition.ts";
import { formatPath, parsePath, type PathSegment } from "./field-path.ts";
import { isList, isMap, type Value } from "../value/index.ts";
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
  const problems =
    prepared.problems.length > 0 ? prepared.problems : [definitionProblem("error", definition, "spec", prepared.outcome.message ?? "preparation failed")];
  return problems.map((p) => positioned(definition, p));
}

/** EXPR-20's message: `Parsing error at line L, column C. '…' in <location> ('<cel text>')`. */
const PARSE_ERROR = /^Parsing error at line \d+, column \d+\. [\s\S]* \('([\s\S]*)'\)$/;

/** EXPR-106: an invalid constant pattern, `Expression rejected in <location>: invalid regular expression '<pattern>': …`. */
const PATTERN_ERROR = /^Expression rejected in .*?: invalid regular expression '([\s\S]*?)': /;

/** Which expression text a preparation message is about: its CEL text, or a constant pattern inside it. */
function failingExpression(message: string): ((cel: string) => boolean) | undefined {
  const parsed = PARSE_ERROR.exec(message)?.[1];
  if (parsed !== undefined) return (cel) => cel === parsed || cel.trim() === parsed.trim();
  const pattern = PATTERN_ERROR.exec(message)?.[1];
  // The pattern appears in the CEL string literal as written, or with its backslashes escaped.
  if (pattern !== undefined) return (cel) => cel.includes(pattern) || cel.includes(pattern.replace(/\\/g, "\\\\"));
  return undefined;
}

/** The path of the first expression string under `value` whose CEL text `matches`. */
function expressionPath(value: Value | undefined, matches: (cel: string) => boolean, path: PathSegment[]): PathSegment[] | undefined {
  if (typeof value === "string") return value.startsWith("=") && matches(value.replace(/^=+/, "")) ? path : undefined;
  if (isList(value)) {
    for (const [i, item] of value.entries()) {
      const found = expressionPath(item, matches, [...path, i]);
      if (found !== undefined) return found;
    }
  } else if (isMap(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = expressionPath(item, matches, [...path, key]);
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
 * CLI-11: an expression syntax error (or an invalid constant pattern) is reported at the expression string itself. The
 * preparers name the body they compiled (`spec.locals`); the expression inside it is
 * found by its text, and the problem moves to that field and the string's position.
 */
function atExpression(definition: Definition, p: Problem): Problem {
  const matches = p.path === undefined ? undefined : failingExpression(p.message);
  if (matches === undefined || p.path === undefined) return p;
  const base = parsePath(p.path);
  const found = expressionPath(valueAt(definition.raw, base), matches, base);
  if (found === undefined) return p;
  const path = formatPath(found);
  const at = definition.valuePositionOf?.(path) ?? definition.positionOf(path);
  return at === undefined ? { ...p, path } : { ...p, path, file: at.file, line: at.line, column: at.column };
}

function positioned(definition: Definition, problem: Problem): Problem {
  const p = atExpression(definition, problem);
  const withIdentity: Problem =
    p.kind === undefined
      ? { ...p, kind: definition.kind, name: definition.name, ...(definition.namespace !== undefined ? { namespace: definition.namespace } : {}) }
      : p;
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
