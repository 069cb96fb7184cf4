/**
 * FT-20 recommendation: differences as `path: expected X, got Y` lines, values
 * rendered as JSON so `"5"` and `5` read differently.
 */
import type { Difference } from "../../function-test/index.ts";
import { toJsonText, type Value } from "../../value/index.ts";

const MAX_VALUE_TEXT = 120;

export function renderValue(v: Value | undefined): string {
  if (v === undefined) return "nothing";
  const text = safeJson(v);
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT - 1)}…` : text;
}

function safeJson(v: Value): string {
  try {
    return toJsonText(v);
  } catch {
    return String(v);
  }
}

export function renderDifference(d: Difference): string {
  const path = d.path === "" ? "(value)" : d.path;
  switch (d.kind) {
    case "mismatch":
      return `${path}: expected ${renderValue(d.expected)}, got ${renderValue(d.actual)}`;
    case "missing":
      return `${path}: missing (expected ${renderValue(d.expected)})`;
    case "unexpected":
      return `${path}: unexpected key (got ${renderValue(d.actual)})`;
    case "length":
      return `${path}: length mismatch (${d.detail ?? "different lengths"}): expected ${renderValue(d.expected)}, got ${renderValue(d.actual)}`;
    case "set-member-missing":
      return `${path}: missing set member ${renderValue(d.expected)}`;
    case "set-member-unexpected":
      return `${path}: unexpected set member ${renderValue(d.actual)}`;
    case "uncomparable":
      return `${path}: ${d.detail ?? "could not compare"}`;
  }
}
