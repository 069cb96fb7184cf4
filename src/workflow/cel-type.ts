import { isMap, toJsonText, type Value } from "../value/index.ts";

/** The CEL type name of a value, used where the reference printed a Python type (WF-22 recommendation). */
export function celTypeName(value: Value): string {
  if (value === null) return "null_type";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "bigint") return "int";
  if (typeof value === "number") return "double";
  if (typeof value === "string") return "string";
  return isMap(value) ? "map" : "list";
}

/** A value as embedded in a message: strings bare, everything else as JSON. */
export function valueText(value: Value): string {
  return typeof value === "string" ? value : toJsonText(value);
}
