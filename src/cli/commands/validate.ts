/**
 * `koreo validate [PATH…] [--format text|json]` (CLI-11): load and prepare every
 * Koreo document exactly as the engine does, then report each problem as
 * `file:line:col: severity: Kind/name: path: message`. Documents that are not Koreo
 * kinds are `info` lines; a path holding no Koreo definition is a warning, an error when no path holds one.
 * Exit 0 no errors (warnings and info allowed), 1 any error, 2 usage error.
 */
import { parseArgs } from "node:util";
import {
  definitionProblem,
  didYouMean,
  formatProblem,
  lintDefinition,
  loadPaths,
  loadRegistry,
  problem,
  type Definition,
  type DefinitionRef,
  type LoadResult,
  type PrepareOutcome,
  type Problem,
  type Registry,
} from "../../definitions/index.ts";
import { KOREO_PREPARERS } from "../../program/index.ts";
import type { PreparedResourceFunction } from "../../logic/index.ts";
import { isExpression } from "../../expressions/index.ts";
import { isList, isMap, type Value } from "../../value/index.ts";

const HELP = `usage: koreo validate [PATH…] [--format text|json]

Loads every Koreo definition in the given files and folders (default: .),
prepares them as the engine would and reports each problem with its position.

options:
      --format FORMAT   text (default) or json
  -h, --help            show this help

Documents that are not one of the five Koreo kinds are skipped with an info
line. Directories are walked as by \`koreo test\` (dot-directories, node_modules
and what .koreoignore lists are skipped).

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
  const loaded = await loadPaths(paths);
  const nothing = loaded.definitions.length === 0;
  return [...validateLoaded(loaded), ...loaded.emptyPaths.map((path) => noDefinitions(path, nothing))];
}

/**
 * A path without definitions is a warning beside others that have some (a CRD folder);
 * when no path has any, it is an error: almost always a wrong path, and "valid" would mislead.
 */
function noDefinitions(path: string, nothingAtAll: boolean): Problem {
  return problem(nothingAtAll ? "error" : "warning", `no Koreo definitions found in ${path}`);
}

/**
 * `validatePaths` on documents already loaded, so a caller that goes on to use them
 * (`koreo apply`) validates exactly the content it uses, read once.
 */
export function validateLoaded(loaded: LoadResult): Problem[] {
  const { registry, problems: prepared } = loadRegistry(loaded, KOREO_PREPARERS);
  const all = [
    ...loaded.problems,
    ...prepared.map((p) => notDefined(registry, p)),
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
  const problems = missing.map((ref) => missingReference(registry, definition, ref));
  const resourceFunction = definition.kind === "ResourceFunction" ? registry.get("ResourceFunction", definition.name) : undefined;
  if (resourceFunction !== undefined) problems.push(...resourceFunctionProblems(registry, definition, resourceFunction.prepared));
  return problems;
}

/** `<Kind> '<name>' is not defined in the given paths`, with a near name of that kind when there is one. */
function notDefinedMessage(registry: Registry, kind: DefinitionRef["kind"], name: string): string {
  const names = [...registry.entries(kind)].map((e) => e.definition.name);
  return `${kind} '${name}' is not defined in the given paths${didYouMean(name, names)}`;
}

function missingReference(registry: Registry, definition: Definition, ref: DefinitionRef): Problem {
  const path = referencePath(definition.spec, ref, "spec") ?? "spec";
  return definitionProblem("error", definition, path, notDefinedMessage(registry, ref.kind, ref.name));
}

/** WF-7's engine message for a reference nothing defines. */
const NOT_CACHED = /^'(ValueFunction|ResourceFunction|Workflow):(.+)' not cached; will retry\.$/;

/**
 * A Workflow step's reference that is not cached is, offline, one that no given file
 * defines: said as such (with a near name), where the engine would wait and retry.
 */
function notDefined(registry: Registry, p: Problem): Problem {
  const match = p.kind === "Workflow" ? NOT_CACHED.exec(p.message) : null;
  if (match === null) return p;
  const kind = match[1] as DefinitionRef["kind"];
  const name = match[2] as string;
  return registry.get(kind, name) === undefined ? { ...p, message: notDefinedMessage(registry, kind, name) } : p;
}

function resourceFunctionProblems(registry: Registry, definition: Definition, prepared: PrepareOutcome<PreparedResourceFunction>): Problem[] {
  const out: Problem[] = [];
  const template = isMap(definition.spec.resourceTemplateRef) ? definition.spec.resourceTemplateRef.name : undefined;
  if (typeof template === "string" && !isExpression(template) && registry.get("ResourceTemplate", template) === undefined) {
    out.push(definitionProblem("error", definition, "spec.resourceTemplateRef.name", notDefinedMessage(registry, "ResourceTemplate", template)));
  }
  const overlays = prepared.ok ? prepared.value.overlays : undefined;
  if (overlays !== undefined && !overlays.ok && overlays.outcome.kind === "PermFail") {
    out.push(definitionProblem("error", definition, "spec.overlays", overlays.outcome.message ?? "invalid overlays"));
  }
  return out;
}

/** The field path of the first `{kind: <kind>, name: <name>}` (or kind-less `{name: <name>}`) reference map inside `value`. */
function referencePath(value: Value | undefined, ref: DefinitionRef, path: string): string | undefined {
  if (isMap(value)) {
    if (value.name === ref.name && (value.kind === undefined || value.kind === ref.kind) && path !== "spec") return `${path}.name`;
    for (const [key, child] of Object.entries(value)) {
      const found = referencePath(child, ref, `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  if (isList(value)) {
    for (const [i, child] of value.entries()) {
      const found = referencePath(child, ref, `${path}[${i}]`);
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
