/**
 * Literal leaves of a structure (EXPR-5..13): the conversions the reference gets
 * from pasting literals into CEL text, reproduced directly on values.
 */
import type { Value } from "../value/index.ts";

const INT_TEXT = /^-?[0-9]+$/;
const DOUBLE_TEXT = /^-?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?$/;
const ASCII_SPACE = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;

/** EXPR-1: a string is an expression iff its first character is `=`. */
export function isExpressionText(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("=");
}

/** EXPR-2: every leading `=` goes. */
export function celSource(expression: string): string {
  let i = 0;
  while (expression.charCodeAt(i) === 61) i++;
  return expression.slice(i);
}

/** EXPR-9 (exact rule of the recommendation): numeric-looking text becomes a number. */
export function numericLiteral(text: string): bigint | number | undefined {
  const t = text.replace(ASCII_SPACE, "");
  if (INT_TEXT.test(t)) return BigInt(t);
  if (DOUBLE_TEXT.test(t)) return Number(t);
  return undefined;
}

/** EXPR-9/10/11/13: what a literal string leaf stands for. */
export function literalString(text: string): Value {
  const n = numericLiteral(text);
  if (n !== undefined) return n;
  // EXPR-11: multi-line literals go into a raw CEL string, so they stay verbatim.
  if (/[\n\r]/.test(text)) return text;
  return interpretEscapes(text);
}

/** EXPR-12: map keys are never numbers, but their escapes are interpreted. */
export function literalKey(key: string): string {
  return /[\n\r]/.test(key) ? key : interpretEscapes(key);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
  "`": "`",
  "?": "?",
};

/**
 * EXPR-10: a single-line literal is read as the body of a CEL string literal, so
 * CEL escapes are interpreted; a backslash before anything else stays as typed.
 */
export function interpretEscapes(text: string): string {
  if (!text.includes("\\")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch !== "\\" || i + 1 >= text.length) {
      out += ch;
      i++;
      continue;
    }
    const [decoded, used] = decodeEscape(text, i + 1);
    out += decoded;
    i += 1 + used;
  }
  return out;
}

/** Decodes the escape starting after a backslash; returns the text and chars consumed. */
function decodeEscape(text: string, at: number): [string, number] {
  const c = text[at] ?? "";
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return [simple, 1];
  const hex = (len: number): [string, number] | undefined => {
    const digits = text.slice(at + 1, at + 1 + len);
    if (digits.length !== len || !/^[0-9a-fA-F]+$/.test(digits)) return undefined;
    const cp = parseInt(digits, 16);
    if (cp > 0x10ffff) return undefined;
    return [String.fromCodePoint(cp), 1 + len];
  };
  if (c === "x" || c === "X") return hex(2) ?? ["\\", 0];
  if (c === "u") return hex(4) ?? ["\\", 0];
  if (c === "U") return hex(8) ?? ["\\", 0];
  const octal = text.slice(at, at + 3);
  if (/^[0-3][0-7]{2}$/.test(octal)) return [String.fromCodePoint(parseInt(octal, 8)), 3];
  return ["\\", 0];
}
