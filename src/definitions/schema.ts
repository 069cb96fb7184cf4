/**
 * Schema validation of a definition's spec (VAL-2, FT-3, WF-3 first layer, CRD-5) against
 * the `spec` schema of our own CRD files, compiled once per kind on first use.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Outcome, type PermFail } from "../outcome/index.ts";
import { toPlain, type ValueMap } from "../value/index.ts";
import { readSpecSchema } from "./crd-files.ts";
import type { Definition, KoreoKind, Problem } from "./definition.ts";
import { formatPath, segmentsFromPointer, type PathSegment } from "./field-path.ts";
import { withDefaults } from "./json-boundary.ts";
import { toJsonSchema } from "./openapi.ts";
import { definitionProblem, problem } from "./problem.ts";
import { violationMessage, violationSummary, withoutBranchNoise } from "./schema-messages.ts";

export type SpecValidation = { readonly ok: true; readonly spec: ValueMap } | { readonly ok: false; readonly outcome: PermFail; readonly problems: Problem[] };

const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
const compiled = new Map<KoreoKind, ValidateFunction | Error>();

function validatorFor(kind: KoreoKind): ValidateFunction | Error {
  const cached = compiled.get(kind);
  if (cached !== undefined) return cached;
  const schema = readSpecSchema(kind);
  let result: ValidateFunction | Error;
  try {
    result = schema instanceof Error ? schema : ajv.compile(toJsonSchema(schema));
  } catch (error) {
    result = new Error(`the ${kind} CRD schema does not compile: ${error instanceof Error ? error.message : String(error)}`);
  }
  compiled.set(kind, result);
  return result;
}

/** VAL-8: `prepare:<Kind>:<name>[:spec.<field>]`. */
export function prepareLocation(definition: Pick<Definition, "kind" | "name">, path?: string): string {
  const base = `prepare:${definition.kind}:${definition.name}`;
  return path === undefined || path === "" || path === "spec" ? base : `${base}:${path}`;
}

/** ajv pointers do not say which segments index arrays; the data does. */
function segmentsOf(pointer: string, data: unknown): PathSegment[] {
  return segmentsFromPointer(pointer, (prefix) => {
    let node = data;
    for (const key of prefix) node = (node as Record<string | number, unknown> | undefined)?.[key];
    return Array.isArray(node);
  });
}

/** The Problem (path in its own field, the rule in plain words) and the reference's message for the PermFail. */
function toProblem(definition: Definition, error: ErrorObject, data: unknown): { problem: Problem; message: string } {
  const path = formatPath(["spec", ...segmentsOf(error.instancePath, data)]);
  return { problem: definitionProblem("error", definition, path, violationSummary(error)), message: violationMessage(error, path) };
}

/**
 * A failed validation: one Problem per violation, and the PermFail a preparer caches
 * (VAL-1), whose message is `message` when given, else the problems' messages.
 */
export function validationFailure(
  definition: Definition,
  problems: Problem[],
  message = problems.map((p) => p.message).join("; "),
): SpecValidation & { ok: false } {
  return { ok: false, outcome: Outcome.permFail(message, prepareLocation(definition, problems[0]?.path)), problems };
}

export function validateSpec(definition: Definition): SpecValidation {
  const validate = validatorFor(definition.kind);
  if (validate instanceof Error) {
    return validationFailure(definition, [problem("error", validate.message, { definition, ...(definition.source ? { position: definition.source } : {}) })]);
  }
  const data = toPlain(definition.spec);
  if (validate(data)) return { ok: true, spec: withDefaults(definition.spec, data) as ValueMap };
  const violations = withoutBranchNoise(validate.errors ?? []).map((e) => toProblem(definition, e, data));
  return validationFailure(
    definition,
    violations.map((v) => v.problem),
    violations.map((v) => v.message).join("; "),
  );
}
