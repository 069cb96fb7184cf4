/**
 * `koreo plan`, the pure half: the definitions in the cluster (before) and the same with the
 * changed files laid over them (after), each prepared into its own registry with the runtime's
 * CTL-2 namespace priority; which definitions really changed; which Workflows reach one; which
 * triggers those Workflows run. Reachability follows each prepared entry's `dependsOn` (steps,
 * refSwitch cases, sub-Workflows, overlayRef ValueFunctions) plus a ResourceFunction's
 * resourceTemplateRef, which the engine only resolves at run time (RT-5). No I/O.
 */
import type { KindRef, KubeObject } from "../cluster/index.ts";
import type { Definition, DefinitionRef, KoreoKind, Registry } from "../definitions/index.ts";
import { byDependencyOrder } from "../definitions/index.ts";
import { isExpression } from "../expressions/index.ts";
import { createKoreoRegistry } from "../program/index.ts";
import { isMap, valuesEqual } from "../value/index.ts";
import { withSchemaDefaults } from "./plan-defaults.ts";
import { boundKindOf, kindKey, selectWorkflow, type WorkflowCatalog } from "../workflow/index.ts";

export interface PlanRegistries {
  readonly before: Registry;
  readonly after: Registry;
  /** Kind+name of every definition whose winning copy differs between before and after. */
  readonly changed: readonly DefinitionRef[];
  /** Changes that would not be used: another namespace's copy of the same kind+name wins (CTL-2). */
  readonly shadowed: readonly Definition[];
}

export interface OverlayOptions {
  /** CTL-2 priority list, as the runtime's KOREO_NAMESPACE (`*` ranks every other namespace last). */
  readonly namespaces: readonly string[];
}

const keyOf = (kind: KoreoKind, name: string): string => `${kind}:${name}`;

/**
 * Both registries. `changes` already carry the namespace they would be applied to; a change
 * that ranks below another copy of the same kind+name changes nothing, and is not counted.
 */
export function overlay(cluster: readonly Definition[], changes: readonly Definition[], options: OverlayOptions): PlanRegistries {
  const before = registryOf(cluster, options);
  const after = registryOf(cluster, options);
  for (const change of [...changes].sort(byDependencyOrder)) after.upsert(change);
  const refs = uniqueRefs(changes).filter((ref) => winnerDiffers(before, after, ref));
  const shadowed = changes.filter((c) => (after.get(c.kind, c.name)?.definition.namespace ?? "") !== (c.namespace ?? ""));
  return { before, after, changed: refs, shadowed };
}

function registryOf(definitions: readonly Definition[], options: OverlayOptions): Registry {
  const registry = createKoreoRegistry({ namespaces: options.namespaces });
  for (const definition of [...definitions].sort(byDependencyOrder)) registry.upsert(definition);
  return registry;
}

function uniqueRefs(definitions: readonly Definition[]): DefinitionRef[] {
  const refs = new Map(definitions.map((d) => [keyOf(d.kind, d.name), { kind: d.kind, name: d.name }]));
  return [...refs.values()];
}

function winnerDiffers(before: Registry, after: Registry, ref: DefinitionRef): boolean {
  const was = before.get(ref.kind, ref.name)?.definition;
  const now = after.get(ref.kind, ref.name)?.definition;
  if (was === undefined || now === undefined) return was !== now;
  if ((was.namespace ?? "") !== (now.namespace ?? "")) return true;
  // The cluster's copies carry the API server's schema defaults; give both sides the same.
  return !valuesEqual(withSchemaDefaults(was.kind, was.spec), withSchemaDefaults(now.kind, now.spec));
}

/** Workflows (names) that reach a changed definition in either registry: a change may add or drop a reference. */
export function affectedWorkflows(registries: PlanRegistries): Set<string> {
  const changed = new Set(registries.changed.map((r) => keyOf(r.kind, r.name)));
  const templateChanged = registries.changed.some((r) => r.kind === "ResourceTemplate");
  const names = new Set<string>();
  for (const registry of [registries.before, registries.after]) {
    for (const entry of registry.entries("Workflow")) {
      if (reaches(registry, { kind: "Workflow", name: entry.definition.name }, changed, templateChanged)) names.add(entry.definition.name);
    }
  }
  return names;
}

/** Depth-first over dependsOn and template references; cycle-safe. */
function reaches(registry: Registry, start: DefinitionRef, changed: ReadonlySet<string>, templateChanged: boolean): boolean {
  const seen = new Set<string>();
  const stack: DefinitionRef[] = [start];
  for (let ref = stack.pop(); ref !== undefined; ref = stack.pop()) {
    const key = keyOf(ref.kind, ref.name);
    if (changed.has(key)) return true;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = registry.get(ref.kind, ref.name);
    if (entry === undefined) continue;
    const template = templateOf(entry.definition);
    // A template chosen by an expression may be any of them: a changed one counts as reached.
    if (template === "expression" && templateChanged) return true;
    if (typeof template === "string") stack.push({ kind: "ResourceTemplate", name: template });
    stack.push(...entry.prepared.dependsOn);
  }
  return false;
}

/** A ResourceFunction's resourceTemplateRef.name: a constant name, "expression", or undefined. */
function templateOf(definition: Definition): string | "expression" | undefined {
  if (definition.kind !== "ResourceFunction") return undefined;
  const ref = definition.spec.resourceTemplateRef;
  const name = isMap(ref) ? ref.name : undefined;
  if (isExpression(name)) return "expression";
  return typeof name === "string" && name !== "" ? name : undefined;
}

/** The trigger kinds the affected Workflows bind, before or after (a change may move a crdRef). */
export function affectedKinds(registries: PlanRegistries, workflows: ReadonlySet<string>): KindRef[] {
  const kinds = new Map<string, KindRef>();
  for (const registry of [registries.before, registries.after]) {
    for (const name of workflows) {
      const definition = registry.get("Workflow", name)?.definition;
      const kind = definition === undefined ? undefined : boundKindOf(definition);
      if (kind !== undefined) kinds.set(kindKey(kind), kind);
    }
  }
  return [...kinds.values()].sort((a, b) => kindKey(a).localeCompare(kindKey(b)));
}

/**
 * Whether the change can alter this trigger's run: it is run by an affected Workflow before
 * or after, or its Workflow selection itself changes (a new binding, MultipleWorkflows).
 */
export function isAffected(trigger: KubeObject, registries: PlanRegistries, workflows: ReadonlySet<string>): boolean {
  const was = selectedName(trigger, registries.before);
  const now = selectedName(trigger, registries.after);
  if (was !== now) return true;
  return was !== undefined && workflows.has(was);
}

function selectedName(trigger: KubeObject, catalog: WorkflowCatalog): string | undefined {
  return selectWorkflow(trigger, catalog).name;
}
