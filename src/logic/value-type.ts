/** Type names of Values as they appear in messages (CEL's names). */
import { isList, type Value } from "../value/index.ts";

export function typeName(v: Value | undefined): string {
  if (v === undefined || v === null) return "null";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "double";
  if (typeof v === "string") return "string";
  return isList(v) ? "list" : "map";
}
