/**
 * Builds a registry from a LoadResult (for `koreo validate`, `koreo test`, cold starts).
 * Kinds go in dependency-friendly order so most definitions are prepared once; the final
 * state does not depend on the order because dependants are re-prepared (CACHE-4, WF-31).
 */
import { byDependencyOrder, DEPENDENCY_ORDER, type Definition, type Preparers, type Problem, type RegistryEntry } from "./definition.ts";
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

function positioned(definition: Definition, p: Problem): Problem {
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
