/**
 * The definition registry (CACHE-1..5, REG-4, CTL-2, CTL-3, WF-31): prepared definitions
 * keyed by (kind, name), failed preparations cached as entries (VAL-1), and dependants
 * re-prepared — once each, in dependency order, cycle-safe — whenever something they
 * depend on changes.
 *
 * CACHE-5: the `koreo.dev/active` label is reserved; like the reference we read it (see
 * lint.ts, which warns when it is set to false) but it never affects the registry.
 */
import { Outcome } from "../outcome/index.ts";
import type { Definition, DefinitionLookup, DefinitionRef, KoreoKind, PrepareOutcome, PreparedOf, Preparers, Problem, RegistryEntry } from "./definition.ts";
import { definitionProblem } from "./problem.ts";
import { prepareLocation } from "./schema.ts";

export interface Registry extends DefinitionLookup {
  /** CACHE-2: same resourceVersion as the cached entry → ignored. Re-prepares dependants (CACHE-4, WF-31), coalesced, cycle-safe. Returns the refs whose entries changed. */
  upsert(definition: Definition): readonly DefinitionRef[];
  /**
   * CACHE-3: removes the copy from `namespace` (without one: the copy that has no namespace,
   * else the current winner). Removing the winner reveals the next candidate (CTL-2).
   */
  remove(kind: KoreoKind, name: string, namespace?: string): readonly DefinitionRef[];
  entries<K extends KoreoKind>(kind: K): Iterable<RegistryEntry<PreparedOf<K>>>;
  /** Increases on every change (cheap staleness check for warm handlers, SRV-8). */
  readonly generation: number;
  /** CACHE-1: definitions shadowed by a same-priority duplicate of the same kind and name. */
  readonly conflicts: readonly Problem[];
}

export interface RegistryOptions {
  readonly preparers: Preparers;
  /** CTL-2 priority list: for the same kind+name, the first namespace listed wins. */
  readonly namespaces?: readonly string[];
}

/** One (kind, name) slot: every namespace's copy, in arrival order, and the prepared winner. */
interface Slot {
  readonly candidates: Definition[];
  entry?: RegistryEntry;
}

const refKey = (kind: KoreoKind, name: string): string => `${kind}:${name}`;

function sameNamespace(a: Definition, b: Definition): boolean {
  return (a.namespace ?? "") === (b.namespace ?? "");
}

export function createRegistry(options: RegistryOptions): Registry {
  const slots = new Map<string, Slot>();
  /** ref → refs of entries whose last preparation listed it in dependsOn. */
  const dependants = new Map<string, Set<string>>();
  let generation = 0;
  /** One counter for all entries, so a revision never repeats even after delete + re-add. */
  let revisions = 0;

  /** Namespaces outside the list (or definitions without one) share the lowest priority. */
  function rank(definition: Definition): number {
    const list = options.namespaces ?? [];
    const i = definition.namespace === undefined ? -1 : list.indexOf(definition.namespace);
    return i === -1 ? list.length : i;
  }

  /** The winner: best rank, then the earliest arrival (CACHE-1: keep the first). */
  function winner(slot: Slot): Definition | undefined {
    let best: Definition | undefined;
    for (const c of slot.candidates) if (best === undefined || rank(c) < rank(best)) best = c;
    return best;
  }

  function prepare(definition: Definition): PrepareOutcome<unknown> {
    const preparer = options.preparers[definition.kind];
    if (preparer === undefined) return { ok: true, value: definition.spec, dependsOn: [] };
    try {
      return preparer(definition, registry);
    } catch (error) {
      // A preparer bug must not break the registry; the definition is cached as failed (VAL-1).
      const message = `internal error preparing ${definition.kind}:${definition.name}: ${error instanceof Error ? error.message : String(error)}`;
      return {
        ok: false,
        outcome: Outcome.permFail(message, prepareLocation(definition)),
        dependsOn: [],
        problems: [definitionProblem("error", definition, "spec", message)],
      };
    }
  }

  function track(key: string, previous: readonly DefinitionRef[], next: readonly DefinitionRef[]): void {
    for (const ref of previous) dependants.get(refKey(ref.kind, ref.name))?.delete(key);
    for (const ref of next) {
      const k = refKey(ref.kind, ref.name);
      const set = dependants.get(k) ?? new Set<string>();
      set.add(key);
      dependants.set(k, set);
    }
  }

  /** (Re-)prepares the slot's winner; true when the entry changed. */
  function refresh(key: string): boolean {
    const slot = slots.get(key);
    if (slot === undefined) return false;
    const best = winner(slot);
    const before = slot.entry;
    if (best === undefined) {
      slots.delete(key);
      track(key, before?.prepared.dependsOn ?? [], []);
      return before !== undefined;
    }
    const prepared = prepare(best);
    slot.entry = { definition: best, prepared, revision: ++revisions };
    track(key, before?.prepared.dependsOn ?? [], prepared.dependsOn);
    return true;
  }

  /** Everything that (transitively) depends on `key`, in dependency order; `key` itself excluded. */
  function affectedBy(key: string): string[] {
    const reached = new Set<string>();
    const queue = [key];
    while (queue.length > 0) {
      for (const d of dependants.get(queue.shift() as string) ?? []) {
        if (d !== key && !reached.has(d)) {
          reached.add(d);
          queue.push(d);
        }
      }
    }
    return dependencyOrder(reached);
  }

  /** Depth-first post-order over dependsOn inside the set; a cycle is cut where it closes. */
  function dependencyOrder(keys: ReadonlySet<string>): string[] {
    const order: string[] = [];
    const visited = new Set<string>();
    const visit = (k: string): void => {
      if (visited.has(k)) return;
      visited.add(k);
      for (const ref of slots.get(k)?.entry?.prepared.dependsOn ?? []) {
        const dep = refKey(ref.kind, ref.name);
        if (keys.has(dep)) visit(dep);
      }
      order.push(k);
    };
    for (const k of [...keys].sort()) visit(k);
    return order;
  }

  function changed(key: string): readonly DefinitionRef[] {
    const refs = [key, ...affectedBy(key)].filter((k, i) => (i === 0 ? true : refresh(k)));
    generation++;
    return refs.map(toRef);
  }

  const registry: Registry = {
    get<K extends KoreoKind>(kind: K, name: string) {
      return slots.get(refKey(kind, name))?.entry as RegistryEntry<PreparedOf<K>> | undefined;
    },
    upsert(definition) {
      const key = refKey(definition.kind, definition.name);
      const slot = slots.get(key) ?? { candidates: [] };
      slots.set(key, slot);
      const i = slot.candidates.findIndex((c) => sameNamespace(c, definition));
      const existing = slot.candidates[i];
      if (existing !== undefined && existing.resourceVersion !== undefined && existing.resourceVersion === definition.resourceVersion) return [];
      if (existing !== undefined) slot.candidates[i] = definition;
      else slot.candidates.push(definition);
      if (winner(slot) !== definition) return [];
      refresh(key);
      return changed(key);
    },
    remove(kind, name, namespace) {
      const key = refKey(kind, name);
      const slot = slots.get(key);
      if (slot === undefined) return [];
      const target = slot.candidates.find((c) => (c.namespace ?? "") === (namespace ?? "")) ?? (namespace === undefined ? slot.entry?.definition : undefined);
      if (target === undefined) return [];
      slot.candidates.splice(slot.candidates.indexOf(target), 1);
      if (slot.entry?.definition !== target) return [];
      refresh(key);
      return changed(key);
    },
    *entries<K extends KoreoKind>(kind: K) {
      for (const [key, slot] of slots) if (slot.entry !== undefined && key.startsWith(`${kind}:`)) yield slot.entry as RegistryEntry<PreparedOf<K>>;
    },
    get generation() {
      return generation;
    },
    get conflicts() {
      return [...slots.values()].flatMap(conflictsOf);
    },
  };

  function conflictsOf(slot: Slot): Problem[] {
    const best = slot.entry?.definition;
    if (best === undefined) return [];
    return slot.candidates
      .filter((c) => c !== best && rank(c) === rank(best))
      .map((c) =>
        definitionProblem(
          "error",
          c,
          "metadata.name",
          `duplicate ${c.kind}:${c.name} in namespace ${c.namespace ?? "(none)"} ignored; ${best.kind}:${best.name} from namespace ${best.namespace ?? "(none)"} is used (CACHE-1)`,
        ),
      );
  }

  return registry;
}

function toRef(key: string): DefinitionRef {
  const i = key.indexOf(":");
  return { kind: key.slice(0, i) as KoreoKind, name: key.slice(i + 1) };
}
