import type { CompiledBody } from "../expressions/index.ts";

/**
 * WF-8: the step labels an expression reads. Only the identifier `steps` followed by a
 * field or index counts (the WF-8 recommendation): extracted paths are dotted
 * (EXPR-55..58), so `stepsItem.id` never looks like `steps.tem`.
 */
export function stepReferences(bodies: ReadonlyArray<CompiledBody | undefined>): Set<string> {
  const labels = new Set<string>();
  for (const body of bodies) {
    for (const path of body?.references ?? []) {
      if (!path.startsWith("steps.")) continue;
      const rest = path.slice("steps.".length);
      const dot = rest.indexOf(".");
      labels.add(dot === -1 ? rest : rest.slice(0, dot));
    }
  }
  return labels;
}
