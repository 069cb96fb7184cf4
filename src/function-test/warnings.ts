/**
 * Advisory findings about a FunctionTest that never change its verdict:
 * FT-18 (no test cases), FT-12 (an empty case `currentResource`, or both
 * resource keys on one case) and FT-31 (inputs the function reads but the test
 * never provides, and provided inputs it never reads).
 */
import { definitionProblem } from "../definitions/problem.ts";
import type { Definition, DefinitionLookup, Problem } from "../definitions/definition.ts";
import { isMap } from "../value/value.ts";
import type { PreparedFunctionTest } from "./types.ts";

export function testWarnings(definition: Definition, test: PreparedFunctionTest, lookup: DefinitionLookup): Problem[] {
  const warn = (path: string, message: string): Problem => definitionProblem("warning", definition, path, message);
  const out: Problem[] = [];
  if (test.cases.length === 0) out.push(warn("spec", "No tests run."));
  out.push(...resourceKeyWarnings(definition, warn));
  out.push(...inputWarnings(test, lookup, warn));
  return out;
}

type Warn = (path: string, message: string) => Problem;

function resourceKeyWarnings(definition: Definition, warn: Warn): Problem[] {
  const cases = definition.spec.testCases;
  if (!Array.isArray(cases)) return [];
  return cases.flatMap((c, i) => {
    if (!isMap(c)) return [];
    const path = `spec.testCases[${i}]`;
    const current = c.currentResource;
    if (isMap(current) && c.overlayResource !== undefined && c.overlayResource !== null) {
      return [warn(`${path}.currentResource`, "`currentResource` is ignored when `overlayResource` is also given (FT-12).")];
    }
    if (isMap(current) && Object.keys(current).length === 0) {
      return [warn(`${path}.currentResource`, "An empty `currentResource` is treated as absent: the carried resource is used (FT-12).")];
    }
    return [];
  });
}

/** FT-31: compares the function's first-level `inputs.X` reads with what the test provides. */
function inputWarnings(test: PreparedFunctionTest, lookup: DefinitionLookup, warn: Warn): Problem[] {
  const entry = lookup.get(test.functionRef.kind, test.functionRef.name);
  if (entry === undefined || !entry.prepared.ok) return [];
  const fn = entry.prepared.value as { readonly inputNames?: ReadonlySet<string> };
  if (fn.inputNames === undefined) return [];
  const base = new Set(Object.keys(test.inputs ?? {}));
  const provided = new Set(base);
  for (const c of test.cases) for (const key of Object.keys(c.inputOverrides ?? {})) provided.add(key);
  const out: Problem[] = [];
  for (const name of fn.inputNames) if (!provided.has(name)) out.push(warn("spec.inputs", `Missing input ('inputs.${name}').`));
  for (const name of base) if (!fn.inputNames.has(name)) out.push(warn(`spec.inputs.${name}`, `Input ('inputs.${name}') not expected.`));
  return out;
}
