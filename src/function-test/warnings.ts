/**
 * Advisory findings about a FunctionTest that never change its verdict:
 * FT-18 (no test cases) and FT-31 (inputs the function reads but the test never
 * provides, and provided inputs it never reads). FT-12's warnings are lint
 * (definitions/lint.ts): they need no other definition.
 */
import { definitionProblem, type Definition, type DefinitionLookup, type Problem } from "../definitions/index.ts";
import type { PreparedFunctionTest } from "./types.ts";

export function testWarnings(definition: Definition, test: PreparedFunctionTest, lookup: DefinitionLookup): Problem[] {
  const warn = (path: string, message: string): Problem => definitionProblem("warning", definition, path, message);
  const out: Problem[] = [];
  if (test.cases.length === 0) out.push(warn("spec", "No tests run."));
  out.push(...inputWarnings(test, lookup, warn));
  return out;
}

type Warn = (path: string, message: string) => Problem;

/** FT-31: compares the function's first-level `inputs.X` reads with what the test provides. */
function inputWarnings(test: PreparedFunctionTest, lookup: DefinitionLookup, warn: Warn): Problem[] {
  const entry = lookup.get(test.functionRef.kind, test.functionRef.name);
  if (entry === undefined || !entry.prepared.ok) return [];
  const fn = entry.prepared.value;
  if (fn.inputNames === undefined) return [];
  const base = new Set(Object.keys(test.inputs ?? {}));
  const provided = new Set(base);
  for (const c of test.cases) for (const key of Object.keys(c.inputOverrides ?? {})) provided.add(key);
  const out: Problem[] = [];
  for (const name of fn.inputNames) if (!provided.has(name)) out.push(warn("spec.inputs", `Missing input ('inputs.${name}').`));
  for (const name of base) if (!fn.inputNames.has(name)) out.push(warn(`spec.inputs.${name}`, `Input ('inputs.${name}') not expected.`));
  return out;
}
