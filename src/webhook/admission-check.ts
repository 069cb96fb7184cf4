/**
 * `checkDefinition`: the checks of `koreo validate` for one Koreo object (pure) — CRD
 * schema, the kind's rules, expression compilation, the Workflow step graph, lint — with
 * the definitions it references supplied by `lookup`. What breaks the object itself is an
 * error; a reference to a definition `lookup` cannot supply, or one that is there but
 * unhealthy, is only a warning: during an ordered apply it arrives a moment later.
 * `missing` lists the references asked for in vain, so an I/O caller can fetch them and
 * check again (admission.ts); the checks never wait on anything themselves.
 */
import {
  definitionFromObject,
  definitionProblem,
  lintDefinition,
  loadRegistry,
  type Definition,
  type DefinitionRef,
  type KoreoKind,
  type Problem,
  type Registry,
} from "../definitions/index.ts";
import { isExpression } from "../expressions/index.ts";
import { KOREO_PREPARERS } from "../program/index.ts";
import { fromPlain, isMap, type ValueMap } from "../value/index.ts";

export interface DefinitionCheck {
  readonly errors: readonly Problem[];
  readonly warnings: readonly Problem[];
  /** References `lookup` was asked for and could not supply. */
  readonly missing: readonly DefinitionRef[];
}

/** The stored object (plain JSON) a reference names, or undefined when there is none. */
export type DefinitionSource = (ref: DefinitionRef) => unknown;

/** Deep enough for Workflow → sub-Workflow → ResourceFunction → ValueFunction/ResourceTemplate. */
const MAX_ROUNDS = 6;
/** A hostile or huge program cannot make one check prepare without end. */
const MAX_REFERENCED = 200;

/** WF-7's messages for a step reference that is missing or unhealthy. */
const REFERENCE_MESSAGE = /^'(ValueFunction|ResourceFunction|Workflow):(.+)' (not cached|is not healthy)/;

const refKey = (ref: DefinitionRef): string => `${ref.kind}:${ref.name}`;

export function checkDefinition(object: unknown, lookup: DefinitionSource = () => undefined): DefinitionCheck {
  const value = fromPlain(object);
  if (!isMap(value)) return { errors: [{ severity: "error", message: "the object is not a map" }], warnings: [], missing: [] };
  const target = definitionFromObject(value);
  if (!isDefinition(target)) return { errors: [target], warnings: [], missing: [] };
  const { registry, problems, missing } = prepareWithReferences(target, lookup);
  const own = problems.filter((p) => p.kind === target.kind && p.name === target.name);
  const all = [...own, ...referenceProblems(registry, target), ...lintDefinition(target)];
  const errors = all.filter((p) => p.severity === "error" && !isReferenceProblem(p));
  const warnings = all.filter((p) => p.severity === "warning" || (p.severity === "error" && isReferenceProblem(p)));
  return { errors: unique(errors), warnings: unique(warnings).map(asWarning), missing };
}

function isDefinition(d: Definition | Problem): d is Definition {
  return "spec" in d;
}

interface Prepared {
  readonly registry: Registry;
  readonly problems: readonly Problem[];
  readonly missing: DefinitionRef[];
}

/** Prepares `target` with every definition it reaches through `lookup`, transitively and bounded. */
function prepareWithReferences(target: Definition, lookup: DefinitionSource): Prepared {
  const known: Definition[] = [target];
  const asked = new Set<string>([refKey(target)]);
  const missing: DefinitionRef[] = [];
  let loaded = loadRegistry({ definitions: known, foreign: [], problems: [] }, KOREO_PREPARERS);
  for (let round = 0; round < MAX_ROUNDS && asked.size < MAX_REFERENCED; round++) {
    const wanted = wantedReferences(loaded.registry).filter((ref) => !asked.has(refKey(ref)));
    if (wanted.length === 0) break;
    const before = known.length;
    for (const ref of wanted) {
      asked.add(refKey(ref));
      const found = definitionOf(lookup(ref), ref);
      if (found === undefined) missing.push(ref);
      else known.push(found);
    }
    // Nothing new: what was prepared stands (and the references it wants are all asked).
    if (known.length === before) break;
    loaded = loadRegistry({ definitions: known, foreign: [], problems: [] }, KOREO_PREPARERS);
  }
  return { ...loaded, missing };
}

/** The stored object as a Definition of the kind and name asked for; anything else counts as absent. */
function definitionOf(raw: unknown, ref: DefinitionRef): Definition | undefined {
  const value = raw === undefined ? undefined : fromPlain(raw);
  if (!isMap(value)) return undefined;
  const d = definitionFromObject(value);
  return isDefinition(d) && d.kind === ref.kind && d.name === ref.name ? d : undefined;
}

/** Every reference of every prepared entry that the registry does not hold. */
function wantedReferences(registry: Registry): DefinitionRef[] {
  const KINDS: readonly KoreoKind[] = ["Workflow", "ResourceFunction", "ValueFunction", "ResourceTemplate", "FunctionTest"];
  const refs = KINDS.flatMap((kind) => [...registry.entries(kind)].flatMap((e) => [...e.prepared.dependsOn, ...templateRef(e.definition)]));
  const seen = new Set<string>();
  return refs.filter((ref) => {
    if (registry.get(ref.kind, ref.name) !== undefined || seen.has(refKey(ref))) return false;
    seen.add(refKey(ref));
    return true;
  });
}

/** RT-5: a constant `resourceTemplateRef.name` (an expression is resolved at run time). */
function templateRef(definition: Definition): DefinitionRef[] {
  if (definition.kind !== "ResourceFunction") return [];
  const ref = definition.spec.resourceTemplateRef;
  const name = isMap(ref) ? ref.name : undefined;
  return typeof name === "string" && !isExpression(name) ? [{ kind: "ResourceTemplate", name }] : [];
}

/**
 * The references `koreo validate` reports for FunctionTests and ResourceFunctions (Workflows
 * report theirs when prepared), as reference problems: absent here means "not applied yet".
 */
function referenceProblems(registry: Registry, definition: Definition): Problem[] {
  const entry = registry.get(definition.kind, definition.name);
  if (entry === undefined || entry.definition !== definition) return [];
  if (definition.kind !== "FunctionTest" && definition.kind !== "ResourceFunction") return [];
  const refs = [...entry.prepared.dependsOn, ...templateRef(definition)];
  const absent = refs.filter((ref) => registry.get(ref.kind, ref.name) === undefined);
  return absent.map((ref) => definitionProblem("error", definition, pathOf(definition, ref), notFound(ref)));
}

function notFound(ref: DefinitionRef): string {
  return `${ref.kind} '${ref.name}' not found: referenced before it was applied?`;
}

/** Where the reference sits: the first `{kind?, name}` map naming it under spec. */
function pathOf(definition: Definition, ref: DefinitionRef): string {
  if (ref.kind === "ResourceTemplate") return "spec.resourceTemplateRef.name";
  return findRef(definition.spec, ref, "spec") ?? "spec";
}

function findRef(value: unknown, ref: DefinitionRef, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, child] of value.entries()) {
      const found = findRef(child, ref, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const map = value as ValueMap;
  if (path !== "spec" && map.name === ref.name && (map.kind === undefined || map.kind === ref.kind)) return `${path}.name`;
  for (const [key, child] of Object.entries(map)) {
    const found = findRef(child, ref, `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isReferenceProblem(p: Problem): boolean {
  return REFERENCE_MESSAGE.test(p.message) || p.message.endsWith(": referenced before it was applied?");
}

/** A warning; WF-7's "not cached; will retry" (the engine's view) is said as the admission sees it. */
function asWarning(p: Problem): Problem {
  const match = REFERENCE_MESSAGE.exec(p.message);
  const message = match?.[3] === "not cached" ? notFound({ kind: match[1] as DefinitionRef["kind"], name: match[2] as string }) : p.message;
  return { ...p, severity: "warning", message };
}

function unique(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path ?? ""}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One line per problem: `spec.path: message`. */
export function describeProblem(p: Problem): string {
  return p.path === undefined ? p.message : `${p.path}: ${p.message}`;
}
