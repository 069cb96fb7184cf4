/**
 * Text forms of values inside difference descriptions (CMP). They follow the
 * reference's Python rendering (`True`, `None`, `1.0`) because users match
 * these messages as substrings.
 */
import { toJsonText, type Value } from "../../value/index.ts";

export function renderScalar(v: Value | undefined): string {
  if (v === undefined || v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 1e16 ? `${v}.0` : String(v);
  if (typeof v === "string") return v;
  try {
    return toJsonText(v);
  } catch {
    return String(v);
  }
}
