import type { DefinitionLookup, DefinitionRef } from "../definitions/index.ts";
import { isList, isMap, type Value } from "../value/index.ts";

export const LOGIC_KINDS: ReadonlySet<string> = new Set(["ValueFunction", "ResourceFunction", "Workflow"]);

/**
 * WF-7/WF-31: every Logic a Workflow spec names, through `ref` or any `refSwitch` case,
 * in spec order without duplicates. Read from the raw spec so that even a Workflow that
 * fails validation is re-prepared when what it names appears.
 */
export function logicReferences(spec: Value | undefined): DefinitionRef[] {
  const steps = isMap(spec) && isList(spec.steps) ? spec.steps : [];
  const seen = new Map<string, DefinitionRef>();
  for (const step of steps) {
    if (!isMap(step)) continue;
    const cases = isMap(step.refSwitch) && isList(step.refSwitch.cases) ? step.refSwitch.cases : [];
    for (const ref of [step.ref, ...cases]) {
      if (!isMap(ref) || typeof ref.kind !== "string" || typeof ref.name !== "string") continue;
      if (!LOGIC_KINDS.has(ref.kind)) continue;
      seen.set(`${ref.kind}:${ref.name}`, { kind: ref.kind, name: ref.name } as DefinitionRef);
    }
  }
  return [...seen.values()];
}

function subWorkflowNames(spec: Value | undefined): string[] {
  return logicReferences(spec)
    .filter((ref) => ref.kind === "Workflow")
    .map((ref) => ref.name);
}

/**
 * WF-32 (recommendation): the shortest-first depth-first path from `name` back to itself
 * through sub-Workflow references, read from the definitions as loaded (not their prepared
 * form, which a cycle would keep from ever settling). `undefined` when there is no cycle.
 */
export function findReferenceCycle(name: string, spec: Value, lookup: DefinitionLookup): string[] | undefined {
  const visited = new Set<string>();
  const walk = (current: string, currentSpec: Value | undefined, path: string[]): string[] | undefined => {
    for (const next of subWorkflowNames(currentSpec)) {
      if (next === name) return [...path, next];
      if (visited.has(next)) continue;
      visited.add(next);
      const found = walk(next, lookup.get("Workflow", next)?.definition.spec, [...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(name, spec, [name]);
}
