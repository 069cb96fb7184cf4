/**
 * Checks for `koreo validate` beyond what the engine enforces (the engine accepts these,
 * as the reference does):
 * - WF-3's cluster-only layer (the CRD's `x-kubernetes-validations`): label characters,
 *   PascalCase condition types, `=` prefixes, `case` not an expression, unique cases;
 * - WF-4 and generally: fields the schema does not know are ignored by the engine and
 *   pruned by the API server (warning; `configStep` named as removed);
 * - BODY-2: quoted numeric constants in function bodies are sent as numbers (warning);
 * - FT-12: empty or doubled case resources in FunctionTests (warning);
 * - CACHE-5: `koreo.dev/active: false` has no effect (warning).
 * YAML 1.1 scalar warnings (FT-34) come from the loader, which sees the source text.
 */
import { isList, isMap, type Value, type ValueMap } from "../value/index.ts";
import { readSpecSchema } from "./crd-files.ts";
import type { Definition, KoreoKind, Problem } from "./definition.ts";
import { formatPath, type PathSegment } from "./field-path.ts";
import type { JsonSchema } from "./openapi.ts";
import { definitionProblem } from "./problem.ts";

const ACTIVE_LABEL = "koreo.dev/active";
const LABEL = /^[A-Za-z0-9_]+$/;
const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/;
/** What Python's int()/float() accept, minus `nan`/`inf`/underscores (BODY-2 recommendation). */
const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

type Lint = (definition: Definition) => Problem[];

const isExpression = (v: Value | undefined): boolean => typeof v === "string" && v.startsWith("=");

function steps(spec: ValueMap): Array<[number, ValueMap]> {
  return isList(spec.steps) ? spec.steps.flatMap((s, i): Array<[number, ValueMap]> => (isMap(s) ? [[i, s]] : [])) : [];
}

function stepProblems(definition: Definition, i: number, step: ValueMap): Problem[] {
  const at = (field: string): string => `spec.steps[${i}]${field}`;
  const error = (field: string, message: string): Problem => definitionProblem("error", definition, at(field), message);
  const out: Problem[] = [];
  if (typeof step.label === "string" && !LABEL.test(step.label))
    out.push(error(".label", `label '${step.label}' may only contain letters, digits and underscores (WF-3)`));
  const condition = isMap(step.condition) ? step.condition : {};
  if (typeof condition.type === "string" && !PASCAL_CASE.test(condition.type))
    out.push(error(".condition.type", `condition type '${condition.type}' must be PascalCase (WF-3)`));
  if (isExpression(condition.name)) out.push(error(".condition.name", "condition name must not be an expression (WF-3)"));
  if (typeof step.skipIf === "string" && !isExpression(step.skipIf)) out.push(error(".skipIf", "skipIf must be an expression (start with '=') (WF-3)"));
  const forEach = isMap(step.forEach) ? step.forEach : {};
  if (typeof forEach.itemIn === "string" && !isExpression(forEach.itemIn))
    out.push(error(".forEach.itemIn", "itemIn must be an expression (start with '=') (WF-3)"));
  const refSwitch = isMap(step.refSwitch) ? step.refSwitch : {};
  if (typeof refSwitch.switchOn === "string" && !isExpression(refSwitch.switchOn))
    out.push(error(".refSwitch.switchOn", "switchOn must be an expression (start with '=') (WF-3)"));
  out.push(...caseProblems(definition, at(".refSwitch.cases"), refSwitch.cases));
  return out;
}

function caseProblems(definition: Definition, path: string, cases: Value | undefined): Problem[] {
  if (!isList(cases)) return [];
  const seen = new Set<string>();
  const out: Problem[] = [];
  cases.forEach((c, j) => {
    if (!isMap(c) || typeof c.case !== "string") return;
    if (isExpression(c.case)) out.push(definitionProblem("error", definition, `${path}[${j}].case`, "case must be a plain value, not an expression (WF-3)"));
    if (seen.has(c.case)) out.push(definitionProblem("error", definition, `${path}[${j}].case`, `duplicate case '${c.case}' (WF-3: cases are keyed by case)`));
    seen.add(c.case);
  });
  return out;
}

const workflowRules: Lint = (definition) => steps(definition.spec).flatMap(([i, step]) => stepProblems(definition, i, step));

function unknownFieldMessage(path: string): string {
  if (path === "spec.configStep") return "configStep was removed in v1beta1; it is ignored (WF-4)";
  return "unknown field; the engine ignores it and the API server prunes it";
}

/** Walks the spec along the CRD schema; keys an object schema does not declare are reported. */
function unknownFields(value: Value, schema: JsonSchema, path: PathSegment[], out: string[]): void {
  if (isList(value) && typeof schema.items === "object" && schema.items !== null) {
    value.forEach((item, i) => unknownFields(item, schema.items as JsonSchema, [...path, i], out));
    return;
  }
  if (!isMap(value) || schema["x-kubernetes-preserve-unknown-fields"] === true) return;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  if (schema.properties === undefined) return;
  for (const [key, child] of Object.entries(value)) {
    const sub = properties[key];
    if (sub === undefined) out.push(formatPath([...path, key]));
    else unknownFields(child, sub, [...path, key], out);
  }
}

const unknownFieldRule: Lint = (definition) => {
  const schema = readSpecSchema(definition.kind);
  if (schema instanceof Error) return [];
  const paths: string[] = [];
  unknownFields(definition.spec, schema, ["spec"], paths);
  return paths.map((p) => definitionProblem("warning", definition, p, unknownFieldMessage(p)));
};

/** BODY-1: fields compiled as expression bodies, where BODY-2's numeric strings apply. */
const BODY_FIELDS: Partial<Record<KoreoKind, (spec: ValueMap) => Array<[string, Value | undefined]>>> = {
  ValueFunction: (spec) => [
    ["spec.locals", spec.locals],
    ["spec.return", spec.return],
  ],
  ResourceFunction: (spec) => [
    ["spec.locals", spec.locals],
    ["spec.resource", spec.resource],
    ["spec.apiConfig.name", isMap(spec.apiConfig) ? spec.apiConfig.name : undefined],
    ["spec.apiConfig.namespace", isMap(spec.apiConfig) ? spec.apiConfig.namespace : undefined],
    [
      "spec.overlays",
      isList(spec.overlays) ? spec.overlays.map((o) => (isMap(o) ? { overlay: o.overlay ?? null, inputs: o.inputs ?? null } : null)) : undefined,
    ],
    ["spec.create.overlay", isMap(spec.create) ? spec.create.overlay : undefined],
    ["spec.return", spec.return],
  ],
  Workflow: (spec) => steps(spec).map(([i, s]): [string, Value | undefined] => [`spec.steps[${i}].inputs`, s.inputs]),
};

function numericStrings(value: Value | undefined, path: string, out: string[]): void {
  if (typeof value === "string") {
    if (!value.startsWith("=") && NUMERIC.test(value)) out.push(path);
  } else if (isList(value)) value.forEach((v, i) => numericStrings(v, `${path}[${i}]`, out));
  else if (isMap(value)) for (const [k, v] of Object.entries(value)) numericStrings(v, path + formatPath(["_", k]).slice(1), out);
}

const numericStringRule: Lint = (definition) => {
  const fields = BODY_FIELDS[definition.kind]?.(definition.spec) ?? [];
  const paths: string[] = [];
  for (const [path, value] of fields) numericStrings(value, path, paths);
  return paths.map((p) =>
    definitionProblem("warning", definition, p, 'quoted numeric constant is sent as a number (BODY-2); write it as an expression (="…") to keep a string'),
  );
};

const testCaseRule: Lint = (definition) => {
  if (definition.kind !== "FunctionTest" || !isList(definition.spec.testCases)) return [];
  return definition.spec.testCases.flatMap((c, i) => {
    if (!isMap(c)) return [];
    const out: Problem[] = [];
    if (isMap(c.currentResource) && Object.keys(c.currentResource).length === 0) {
      out.push(
        definitionProblem(
          "warning",
          definition,
          `spec.testCases[${i}].currentResource`,
          "an empty currentResource is ignored; the carried resource is used (FT-12)",
        ),
      );
    }
    if (c.currentResource !== undefined && c.overlayResource !== undefined) {
      out.push(
        definitionProblem(
          "warning",
          definition,
          `spec.testCases[${i}].currentResource`,
          "currentResource is ignored when overlayResource is also given (FT-12)",
        ),
      );
    }
    return out;
  });
};

/** CACHE-5: parsed like the reference (`t`/`true`, any case; default true), never acted on. */
export function activeLabel(definition: Definition): boolean {
  const value = definition.labels?.[ACTIVE_LABEL];
  return value === undefined || ["t", "true"].includes(value.toLowerCase());
}

const activeLabelRule: Lint = (definition) =>
  activeLabel(definition)
    ? []
    : [
        definitionProblem(
          "warning",
          definition,
          formatPath(["metadata", "labels", ACTIVE_LABEL]),
          `label ${ACTIVE_LABEL} has no effect; the definition is used anyway (CACHE-5)`,
        ),
      ];

const RULES: readonly Lint[] = [workflowRules, unknownFieldRule, numericStringRule, testCaseRule, activeLabelRule];

export function lintDefinition(definition: Definition): Problem[] {
  return RULES.flatMap((rule) => rule(definition));
}
