/**
 * `koreo prune` planning (CLI-3 recommendation), pure: which ValueFunctions, ResourceFunctions
 * and ResourceTemplates nothing can reach. Usage comes from the engine's own preparers
 * (each prepared entry's `dependsOn`), keyed by kind+name only, as the engine resolves them.
 * Roots are every Workflow (they are bound to trigger kinds) and every FunctionTest (tests
 * count as users). No I/O.
 */
import type { Definition, DefinitionRef, KoreoKind, Registry } from "../definitions/index.ts";
import { createKoreoRegistry, KOREO_PREPARERS } from "../program/index.ts";
import { isExpression } from "../expressions/index.ts";
import { isMap } from "../value/index.ts";

export const PRUNABLE_KINDS = ["ValueFunction", "ResourceFunction", "ResourceTemplate"] as const;
export type PrunableKind = (typeof PRUNABLE_KINDS)[number];

const ROOT_KINDS: readonly KoreoKind[] = ["Workflow", "FunctionTest"];

/** Every kind prune reads: the roots, then what it may delete. */
export const USAGE_KINDS: readonly KoreoKind[] = [...ROOT_KINDS, ...PRUNABLE_KINDS];

export const PLURALS: Readonly<Record<KoreoKind, string>> = {
  ValueFunction: "valuefunctions",
  ResourceFunction: "resourcefunctions",
  ResourceTemplate: "resourcetemplates",
  Workflow: "workflows",
  FunctionTest: "functiontests",
};

export interface PruneItem {
  readonly kind: PrunableKind;
  readonly plural: string;
  readonly namespace: string;
  readonly name: string;
}

export interface KeptItem extends PruneItem {
  /** Why it stays: the first definition found naming it, or the expression that may choose it. */
  readonly reason: string;
}

export interface PrunePlan {
  /** Sorted by plural, namespace, name. */
  readonly orphans: readonly PruneItem[];
  readonly kept: readonly KeptItem[];
  /** Why some definitions were left out of the orphans although nothing names them. */
  readonly notes: readonly string[];
}

export interface PruneScope {
  /** Only definitions in this namespace may be orphans; undefined means every namespace. */
  readonly namespace: string | undefined;
}

type TemplateRef = { readonly kind: "none" } | { readonly kind: "constant"; readonly name: string } | { readonly kind: "expression"; readonly text: string };

/** A ResourceFunction whose resourceTemplateRef.name is an expression. */
interface ExpressionTemplate {
  readonly definition: Definition;
  readonly text: string;
}

const keyOf = (kind: KoreoKind, name: string): string => `${kind}:${name}`;

function isPrunable(kind: KoreoKind): kind is PrunableKind {
  return (PRUNABLE_KINDS as readonly string[]).includes(kind);
}

function describe(definition: Definition): string {
  return `${definition.kind} ${definition.namespace ?? ""}/${definition.name}`;
}

/**
 * Plans a prune over every definition read from the cluster (all namespaces: the engine
 * resolves references by name alone, so a user may live in another namespace).
 */
export function planPrune(definitions: readonly Definition[], scope: PruneScope): PrunePlan {
  const ordered = [...definitions].sort(byIdentity);
  const registry = loadRegistry(ordered);
  const usedBy = reachable(ordered, registry);
  const expressionTemplates = ordered.flatMap(expressionTemplate);
  const inScope = ordered.filter((d) => isPrunable(d.kind) && (scope.namespace === undefined || d.namespace === scope.namespace));
  // A template chosen by an expression could be any of them: keep them all rather than guess.
  const candidates = expressionTemplates.length > 0 ? inScope.filter((d) => d.kind !== "ResourceTemplate") : inScope;
  const orphans = candidates.filter((d) => !usedBy.has(keyOf(d.kind, d.name))).map(toItem);
  const kept = inScope.flatMap((d) => keptItem(d, usedBy, expressionTemplates));
  return { orphans: orphans.sort(byItem), kept: kept.sort(byItem), notes: expressionTemplates.map(templateNote) };
}

function loadRegistry(definitions: readonly Definition[]): Registry {
  const registry = createKoreoRegistry();
  for (const definition of definitions) registry.upsert(definition);
  return registry;
}

/**
 * What one definition names, as the engine prepares it: the registry entry's `dependsOn`
 * (Workflow steps' ref and refSwitch cases, overlayRef ValueFunctions, a test's function),
 * plus a constant resourceTemplateRef, which the engine only looks up at run time (RT-5).
 */
function references(definition: Definition, registry: Registry): readonly DefinitionRef[] {
  const entry = registry.get(definition.kind, definition.name);
  // The registry holds one copy per kind+name (CTL-2); a shadowed copy goes through the same preparer.
  const dependsOn = entry?.definition === definition ? entry.prepared.dependsOn : (KOREO_PREPARERS[definition.kind]?.(definition, registry).dependsOn ?? []);
  const template = templateRef(definition);
  return template.kind === "constant" ? [...dependsOn, { kind: "ResourceTemplate", name: template.name }] : dependsOn;
}

/** Kind+name key → every definition found naming it (roots name themselves). Every copy of a named kind+name is used. */
function reachable(definitions: readonly Definition[], registry: Registry): Map<string, Definition[]> {
  const copies = new Map<string, Definition[]>();
  for (const d of definitions) copies.set(keyOf(d.kind, d.name), [...(copies.get(keyOf(d.kind, d.name)) ?? []), d]);
  const users = new Map<string, Definition[]>();
  const queue: Array<readonly [string, Definition]> = definitions.filter((d) => ROOT_KINDS.includes(d.kind)).map((d) => [keyOf(d.kind, d.name), d] as const);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const [key, user] = next;
    const known = users.get(key);
    users.set(key, [...(known ?? []), user]);
    if (known !== undefined) continue;
    for (const copy of copies.get(key) ?? []) {
      for (const ref of references(copy, registry)) queue.push([keyOf(ref.kind, ref.name), copy]);
    }
  }
  return users;
}

function templateRef(definition: Definition): TemplateRef {
  if (definition.kind !== "ResourceFunction") return { kind: "none" };
  const ref = definition.spec.resourceTemplateRef;
  const name = isMap(ref) ? ref.name : undefined;
  if (isExpression(name)) return { kind: "expression", text: name };
  return typeof name === "string" && name !== "" ? { kind: "constant", name } : { kind: "none" };
}

function expressionTemplate(definition: Definition): ExpressionTemplate[] {
  const ref = templateRef(definition);
  return ref.kind === "expression" ? [{ definition, text: ref.text }] : [];
}

function keptItem(definition: Definition, usedBy: ReadonlyMap<string, readonly Definition[]>, expressionTemplates: readonly ExpressionTemplate[]): KeptItem[] {
  const users = usedBy.get(keyOf(definition.kind, definition.name)) ?? [];
  // Any user counts (names resolve across namespaces); a neighbour is the clearer one to show.
  const user = users.find((u) => u.namespace === definition.namespace) ?? users[0];
  if (user !== undefined) return [{ ...toItem(definition), reason: `used by ${describe(user)}` }];
  const chooser = expressionTemplates[0];
  if (definition.kind !== "ResourceTemplate" || chooser === undefined) return [];
  return [{ ...toItem(definition), reason: `may be chosen by ${describe(chooser.definition)}'s template expression` }];
}

function templateNote({ definition, text }: ExpressionTemplate): string {
  return `ResourceTemplates are not pruned: ${describe(definition)} chooses its template with an expression (${text}), which cannot be resolved before it runs`;
}

function toItem(definition: Definition): PruneItem {
  const kind = definition.kind as PrunableKind;
  return { kind, plural: PLURALS[kind], namespace: definition.namespace ?? "", name: definition.name };
}

function byIdentity(a: Definition, b: Definition): number {
  return compare([a.namespace ?? "", a.kind, a.name], [b.namespace ?? "", b.kind, b.name]);
}

function byItem(a: PruneItem, b: PruneItem): number {
  return compare([a.plural, a.namespace, a.name], [b.plural, b.namespace, b.name]);
}

function compare(a: readonly string[], b: readonly string[]): number {
  for (const [i, x] of a.entries()) {
    const y = b[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
