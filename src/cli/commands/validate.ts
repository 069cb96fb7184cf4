/**
 * `koreo validate [PATH…] [--format text|json]` (CLI-11): load and prepare every
 * Koreo document exactly as the engine does, then report each problem as
 * `file:line:col: severity: Kind/name: path: message`.
 * Exit 0 no errors (warnings allowed), 1 any error, 2 usage error.
 */
import { parseArgs } from "node:util";
import {
  definitionProblem,
  formatProblem,
  lintDefinition,
  loadPaths,
  loadRegistry,
  type Definition,
  type DefinitionRef,
  type LoadResult,
  type Problem,
  type Registry,
} from "../../definitions/index.ts";
import { KOREO_PREPARERS } from "../../engine/index.ts";
import type { PreparedResourceFunction } from "../../functions/index.ts";
import { isExpression } from "../../expressions/index.ts";
import { isList, isMap, type Value } from "../../value/value.ts";

const HELP = `usage: koreo validate [PATH…] [--format text|json]

Loads every Koreo definition in the given files and folders (default: .),
prepares them as the engine would and reports each problem with its position.

options:
      --format FORMAT   text (default) or json
  -h, --help            show this help

exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error`;

type Format = "text" | "json";

function parse(args: string[]): { paths: string[]; format: Format; help: boolean } | string {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: "string" }, help: { type: "boolean", short: "h" } } });
    const format = values.format ?? "text";
    if (format !== "text" && format !== "json") return `unknown format '${format}' (expected text or json)`;
    return { paths: positionals.length > 0 ? positionals : ["."], format, help: values.help === true };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === "string") {
    console.error(`koreo validate: ${parsed}\n\n${HELP}`);
    return 2;
  }
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const problems = await validatePaths(parsed.paths);
  if (parsed.format === "json") console.log(JSON.stringify(problems.map(toJson), null, 2));
  else if (problems.length > 0) console.log(problems.map(formatProblem).join("\n"));
  return problems.some((p) => p.severity === "error") ? 1 : 0;
}

/** Every load, schema, preparation, reference and lint problem, in file order, each once. */
export async function validatePaths(paths: readonly string[]): Promise<Problem[]> {
  return validateLoaded(await loadPaths(paths));
}

/**
 * `validatePaths` on documents already loaded, so a caller that goes on to use them
 * (`koreo apply`) validates exactly the content it uses, read once.
 */
export function validateLoaded(loaded: LoadResult): Problem[] {
  const { registry, problems: prepared } = loadRegistry(loaded, KOREO_PREPARERS);
  const all = [
    ...loaded.problems,
    ...prepared,
    ...loaded.definitions.flatMap((d) => referenceProblems(registry, d)),
    ...loaded.definitions.flatMap(lintDefinition),
  ];
  return unique(all).sort(byPosition);
}

/**
 * References the engine only notices at run time: a FunctionTest's function
 * (FT-7), a ResourceFunction's overlayRef ValueFunctions and deferred overlay
 * failures (RF-30), and a constant resourceTemplateRef (RT-5). Workflows report
 * their own references when prepared.
 */
function referenceProblems(registry: Registry, definition: Definition): Problem[] {
  const entry = registry.get(definition.kind, definition.name);
  if (entry === undefined || entry.definition !== definition) return [];
  if (definition.kind !== "FunctionTest" && definition.kind !== "ResourceFunction") return [];
  const missing = entry.prepared.dependsOn.filter((ref) => registry.get(ref.kind, ref.name) === undefined);
  const problems = missing.map((ref) => missingReference(definition, ref));
  if (definition.kind === "ResourceFunction") problems.push(...resourceFunctionProblems(registry, definition, entry.prepared));
  return problems;
}

function missingReference(definition: Definition, ref: DefinitionRef): Problem {
  const path = referencePath(definition.spec, ref.name, "spec") ?? "spec";
  return definitionProblem("error", definition, path, `${ref.kind} '${ref.name}' is not defined in the given paths`);
}

function resourceFunctionProblems(registry: Registry, definition: Definition, prepared: { ok: boolean; value?: unknown }): Problem[] {
  const out: Problem[] = [];
  const template = isMap(definition.spec.resourceTemplateRef) ? definition.spec.resourceTemplateRef.name : undefined;
  if (typeof template === "string" && !isExpression(template) && registry.get("ResourceTemplate", template) === undefined) {
    out.push(definitionProblem("error", definition, "spec.resourceTemplateRef.name", `ResourceTemplate '${template}' is not defined in the given paths`));
  }
  const overlays = prepared.ok ? (prepared.value as PreparedResourceFunction).overlays : undefined;
  if (overlays !== undefined && !overlays.ok && overlays.outcome.kind === "PermFail") {
    out.push(definitionProblem("error", definition, "spec.overlays", overlays.outcome.message ?? "invalid overlays"));
  }
  return out;
}

/** The field path of the first `{name: <name>, …}` reference map inside `value`. */
function referencePath(value: Value | undefined, name: string, path: string): string | undefined {
  if (isMap(value)) {
    if (value.name === name && path !== "spec") return `${path}.name`;
    for (const [key, child] of Object.entries(value)) {
      const found = referencePath(child, name, `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  if (isList(value)) {
    for (const [i, child] of value.entries()) {
      const found = referencePath(child, name, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function unique(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function byPosition(a: Problem, b: Problem): number {
  return (a.file ?? "").localeCompare(b.file ?? "") || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

function toJson(p: Problem): Record<string, string | number | null> {
  return {
    file: p.file ?? null,
    line: p.line ?? null,
    column: p.column ?? null,
    severity: p.severity,
    kind: p.kind ?? null,
    name: p.name ?? null,
    path: p.path ?? null,
    message: p.message,
  };
}
