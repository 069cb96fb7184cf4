/**
 * Ajv's schema errors in kube-apiserver's words, so a custom resource failing its
 * CRD schema reads as on a real cluster: `spec.size: Required value`,
 * `spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"`.
 */
import type { ErrorObject } from "ajv";

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** `/spec/items/0/name` → `spec.items[0].name`. */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, p) => (/^\d+$/.test(p) ? `${path}[${p}]` : path === "" ? p : `${path}.${p}`), "");
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function shown(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

function param(e: ErrorObject, key: string): unknown {
  return (e.params as Record<string, unknown>)[key];
}

function message(e: ErrorObject, field: string): string {
  const v = e.data;
  const limit = String(param(e, "limit"));
  switch (e.keyword) {
    case "type":
      return `Invalid value: "${typeName(v)}": ${field} in body must be of type ${String(param(e, "type"))}: "${typeName(v)}"`;
    case "minimum":
      return `Invalid value: ${shown(v)}: ${field} in body should be greater than or equal to ${limit}`;
    case "exclusiveMinimum":
      return `Invalid value: ${shown(v)}: ${field} in body should be greater than ${limit}`;
    case "maximum":
      return `Invalid value: ${shown(v)}: ${field} in body should be less than or equal to ${limit}`;
    case "exclusiveMaximum":
      return `Invalid value: ${shown(v)}: ${field} in body should be less than ${limit}`;
    case "enum": {
      const allowed = ((param(e, "allowedValues") as unknown[]) ?? []).map((a) => JSON.stringify(a)).join(", ");
      return `Unsupported value: ${shown(v)}: supported values: ${allowed}`;
    }
    case "pattern":
      return `Invalid value: ${shown(v)}: ${field} in body should match '${String(param(e, "pattern"))}'`;
    case "minLength":
      return `Invalid value: ${shown(v)}: ${field} in body should be at least ${limit} chars long`;
    case "maxLength":
      return `Too long: may not be more than ${limit} bytes`;
    case "minItems":
      return `Invalid value: ${Array.isArray(v) ? v.length : 0}: ${field} in body should have at least ${limit} items`;
    case "maxItems":
      return `Too many: ${Array.isArray(v) ? v.length : 0}: must have at most ${limit} items`;
    case "format":
      return `Invalid value: ${shown(v)}: ${field} in body must be of type ${String(param(e, "format"))}: ${shown(v)}`;
    default:
      return `Invalid value: ${shown(v)}: ${e.message ?? "invalid"}`;
  }
}

export function fieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  return errors.map((e) => {
    const base = fieldPath(e.instancePath);
    if (e.keyword === "required") {
      const missing = String(param(e, "missingProperty"));
      return { field: base === "" ? missing : `${base}.${missing}`, message: "Required value" };
    }
    const field = base === "" ? "<root>" : base;
    return { field, message: message(e, field) };
  });
}
