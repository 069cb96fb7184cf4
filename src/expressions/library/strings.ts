/** String functions: EXPR-FN-8..14, 17..19. */
import { celMethod, CelScalar, isCelUint, type CelFunc, type CelValue } from "@bufbuild/cel";
import { chargeString } from "../budget.ts";
import { KoreoFunctionError } from "../errors.ts";
import { matchesPattern } from "../regex.ts";
import { noOverload, requireString } from "./values.ts";

const { BOOL, DYN, STRING } = CelScalar;

/** What Python's `str.strip(None)` removes (str.isspace). */
const PYTHON_WHITESPACE =
  "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

/** EXPR-FN-9/10: `chars` is a set of characters (code points), not a substring; `null` means whitespace, as in Python. */
function stripChars(fn: string, text: CelValue, chars: CelValue, left: boolean): string {
  const s = requireString(fn, text, chars);
  const set = new Set(chars === null ? PYTHON_WHITESPACE : requireString(fn, chars, text));
  const cps = [...s];
  let start = 0;
  let end = cps.length;
  if (left) while (start < end && set.has(cps[start] as string)) start++;
  while (end > start && set.has(cps[end - 1] as string)) end--;
  return cps.slice(start, end).join("");
}

function separator(fn: string, text: CelValue, sep: CelValue): [string, string] {
  const s = requireString(fn, text, sep);
  if (typeof sep !== "string") throw noOverload(fn, [text, sep]);
  if (sep === "") throw new KoreoFunctionError("split separator may not be empty");
  return [s, sep];
}

/** EXPR-102: after an empty separator (checked first), the split functions answer `""` for a `null` or empty receiver, whatever the other arguments. */
function isFalsyText(v: CelValue, sep: CelValue): boolean {
  if (sep === "") throw new KoreoFunctionError("split separator may not be empty");
  return v === null || v === "";
}

/** EXPR-FN-14: split_index, one piece of split; negative indexes count from the end. */
function splitIndex(text: CelValue, sep: CelValue, index: CelValue): string {
  const [s, sp] = separator("split_index", text, sep);
  const i = typeof index === "bigint" ? index : isCelUint(index) ? index.value : undefined;
  if (i === undefined) throw noOverload("split_index", [text, sep, index]);
  if (s === "") return "";
  const parts = s.split(sp);
  const at = i < 0n ? BigInt(parts.length) + i : i;
  const piece = at >= 0n && at < BigInt(parts.length) ? parts[Number(at)] : undefined;
  if (piece === undefined) throw new KoreoFunctionError("index out of bounds on split");
  return piece;
}

/** EXPR-FN-19: an empty `old` inserts `new` around every character. */
function replace(text: CelValue, old: CelValue, replacement: CelValue): string {
  const s = requireString("replace", text, old, replacement);
  if (typeof old !== "string" || typeof replacement !== "string") {
    throw new KoreoFunctionError("Replace error: `old` and `new` must be strings");
  }
  if (old !== "") {
    const pieces = s.split(old);
    chargeString(s.length + (pieces.length - 1) * (replacement.length - old.length));
    return pieces.join(replacement);
  }
  const chars = [...s];
  chargeString(s.length + (chars.length + 1) * replacement.length);
  return replacement + chars.join(replacement) + replacement;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const B64_CHARS = /[^A-Za-z0-9+/=]/g;

/** EXPR-FN-18: non-alphabet characters are skipped, padding must be right, bytes must be UTF-8. */
function b64decode(v: CelValue): string {
  const text = typeof v === "string" ? v : v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : undefined;
  if (text === undefined) throw new KoreoFunctionError(`Base64 Encoding error: cannot decode a ${typeof v}`);
  const cleaned = text.replace(B64_CHARS, "");
  const data = cleaned.replace(/=+$/, "").replace(/=/g, "");
  const padding = cleaned.length - cleaned.replace(/=+$/, "").length;
  const rem = data.length % 4;
  if (rem === 1 || (rem > 0 && padding < 4 - rem)) throw new KoreoFunctionError("Base64 Encoding error: Incorrect padding");
  try {
    return utf8.decode(Buffer.from(data, "base64"));
  } catch {
    throw new KoreoFunctionError("Base64 Encoding error: decoded bytes are not valid UTF-8");
  }
}

function b64encode(v: CelValue): string {
  if (typeof v !== "string") throw new KoreoFunctionError(`Base64 Encoding error: cannot encode a ${typeof v}`);
  chargeString(Math.ceil(Buffer.byteLength(v, "utf8") / 3) * 4);
  return Buffer.from(v, "utf8").toString("base64");
}

export const STRING_FUNCTIONS: readonly CelFunc[] = [
  // EXPR-106: Python `re` syntax, bounded (regex.ts); replaces the library's RE2-syntax matches().
  celMethod("matches", STRING, [STRING], BOOL, function (pattern) {
    return matchesPattern(this, pattern);
  }),
  celMethod("lower", DYN, [], STRING, function () {
    return requireString("lower", this).toLowerCase();
  }),
  celMethod("strip", DYN, [DYN], STRING, function (chars) {
    return stripChars("strip", this, chars, true);
  }),
  celMethod("rstrip", DYN, [DYN], STRING, function (chars) {
    return stripChars("rstrip", this, chars, false);
  }),
  celMethod("split", DYN, [DYN], DYN, function (sep) {
    const [s, sp] = separator("split", this, sep);
    return s.split(sp);
  }),
  celMethod("split_first", DYN, [DYN], STRING, function (sep) {
    if (isFalsyText(this, sep)) return "";
    const [s, sp] = separator("split_first", this, sep);
    const at = s.indexOf(sp);
    return at < 0 ? s : s.slice(0, at);
  }),
  celMethod("split_last", DYN, [DYN], STRING, function (sep) {
    if (isFalsyText(this, sep)) return "";
    const [s, sp] = separator("split_last", this, sep);
    const at = s.lastIndexOf(sp);
    return at < 0 ? s : s.slice(at + sp.length);
  }),
  celMethod("split_index", DYN, [DYN, DYN], STRING, function (sep, index) {
    if (isFalsyText(this, sep)) return "";
    return splitIndex(this, sep, index);
  }),
  celMethod("replace", DYN, [DYN, DYN], STRING, function (old, replacement) {
    return replace(this, old, replacement);
  }),
  celMethod("b64encode", DYN, [], STRING, function () {
    return b64encode(this);
  }),
  celMethod("b64decode", DYN, [], STRING, function () {
    return b64decode(this);
  }),
];
