/**
 * Kubernetes structural (OpenAPI v3) schema → JSON Schema that ajv understands.
 * - `nullable: true` adds `null` to the type (false is the default and just dropped);
 * - `x-kubernetes-int-or-string` becomes `type: [integer, string]`;
 * - `x-kubernetes-preserve-unknown-fields` only stops API-server pruning; JSON Schema
 *   keeps unknown fields anyway, so it is dropped;
 * - `x-kubernetes-validations` (CEL admission rules) are NOT enforced at load (VAL-2,
 *   WF-3); they are dropped here and checked, where we mirror them, by lint.ts;
 * - `description`, `format`, list-type hints and other `x-` keys carry no load-time meaning.
 */
export type JsonSchema = { [key: string]: unknown };

const SUBSCHEMA_MAPS = new Set(["properties", "patternProperties"]);
const SUBSCHEMA_LISTS = new Set(["oneOf", "anyOf", "allOf"]);
const SUBSCHEMA_SINGLE = new Set(["items", "additionalProperties", "not"]);
const DROPPED = new Set(["description", "format", "nullable", "example", "externalDocs"]);

function isObject(v: unknown): v is JsonSchema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function convertChild(key: string, value: unknown): unknown {
  if (SUBSCHEMA_MAPS.has(key) && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isObject(v) ? toJsonSchema(v) : v]));
  }
  if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) return value.map((v) => (isObject(v) ? toJsonSchema(v) : v));
  if (SUBSCHEMA_SINGLE.has(key) && isObject(value)) return toJsonSchema(value);
  return value;
}

export function toJsonSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || key.startsWith("x-")) continue;
    out[key] = convertChild(key, value);
  }
  if (schema["x-kubernetes-int-or-string"] === true) {
    out.type = ["integer", "string"];
  }
  if (schema.nullable === true && typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}
