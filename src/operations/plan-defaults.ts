/**
 * `koreo plan` compares a file's spec with the cluster's copy, which the API server has
 * defaulted from our CRD schemas (`create.delay: 30`, `apiConfig.owned: true`…). The file's
 * spec gets the same structural defaults first (a property's `default` when its object is
 * present and the property is not), so re-planning applied definitions finds no change.
 * Pure apart from reading the bundled CRD once per kind (definitions/crd-files.ts).
 */
import type { KoreoKind } from "../definitions/index.ts";
import { readSpecSchema } from "../definitions/index.ts";
import { fromPlain, isList, isMap, type Value, type ValueMap } from "../value/index.ts";

type Schema = { readonly [key: string]: unknown };

export function withSchemaDefaults(kind: KoreoKind, spec: ValueMap): ValueMap {
  const schema = readSpecSchema(kind);
  if (schema instanceof Error) return spec;
  const defaulted = defaults(spec, schema);
  return isMap(defaulted) ? defaulted : spec;
}

function asSchema(value: unknown): Schema | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Schema) : undefined;
}

function defaults(value: Value, schema: Schema): Value {
  if (isList(value)) {
    const items = asSchema(schema.items);
    return items === undefined ? value : value.map((item) => defaults(item, items));
  }
  if (!isMap(value)) return value;
  const properties = asSchema(schema.properties) ?? {};
  const out: ValueMap = { ...value };
  for (const [key, raw] of Object.entries(properties)) {
    const property = asSchema(raw);
    if (property === undefined) continue;
    const present = out[key];
    if (present === undefined && "default" in property) out[key] = defaults(fromPlain(property.default), property);
    else if (present !== undefined) out[key] = defaults(present, property);
  }
  return out;
}
