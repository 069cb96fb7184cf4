/** to_json / from_json (EXPR-FN-15/16) with the reference's text form. */
import { celMethod, CelScalar, isCelList, isCelMap, isCelType, isCelUint, type CelFunc, type CelInput, type CelValue } from "@bufbuild/cel";
import { charge, chargeString } from "../budget.ts";
import { KoreoFunctionError } from "../errors.ts";
import { compareCodePoints, pythonFloat } from "../format.ts";
import { keyText } from "../convert.ts";
import { parseJsonText } from "../json-text.ts";

const { DYN, STRING } = CelScalar;

/** Python `json.dumps(..., ensure_ascii=True)` string escaping. */
function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += s[i];
  }
  return `${out}"`;
}

function jsonDouble(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  return pythonFloat(x);
}

/** EXPR-FN-15: sorted keys, `, ` and `: ` separators, booleans as 1/0 (compat-required). */
function toJson(v: CelValue): string {
  switch (typeof v) {
    case "boolean":
      return v ? "1" : "0";
    case "bigint":
      return v.toString();
    case "number":
      return jsonDouble(v);
    case "string":
      return quote(v);
  }
  if (v === null) return "null";
  if (isCelUint(v)) return v.value.toString();
  // Lists and maps are charged like iterations: shared sub-lists (`[acc, acc]`) can expand geometrically.
  if (isCelList(v) || isCelMap(v)) charge(v.size);
  if (isCelList(v)) return `[${[...v].map(toJson).join(", ")}]`;
  if (isCelMap(v)) {
    const entries = [...v].map(([k, x]) => [keyText(k), x] as const);
    entries.sort((a, b) => compareCodePoints(a[0], b[0]));
    return `{${entries.map(([k, x]) => `${quote(k)}: ${toJson(x)}`).join(", ")}}`;
  }
  const what = v instanceof Uint8Array ? "bytes" : isCelType(v) ? "type" : "object";
  throw new KoreoFunctionError(`JSON Encoding error: Object of type ${what} is not JSON serializable`);
}

function fromJson(v: CelValue): CelInput {
  if (typeof v !== "string") throw new KoreoFunctionError(`JSON Decoding error: expected a string, got ${typeof v}`);
  const parsed = parseJsonText(v);
  if (!parsed.ok) throw new KoreoFunctionError(`JSON Decoding error: ${parsed.error}`);
  return parsed.value;
}

export const JSON_FUNCTIONS: readonly CelFunc[] = [
  celMethod("to_json", DYN, [], STRING, function () {
    const text = toJson(this);
    chargeString(text.length);
    return text;
  }),
  celMethod("from_json", DYN, [], DYN, function () {
    return fromJson(this);
  }),
];
