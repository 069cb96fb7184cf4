/**
 * `matches()` with Python `re` syntax and meaning (EXPR-106), bounded (EXPR-30).
 *
 * A Python pattern is read once and written out for one of two engines:
 * - RE2 (@bufbuild/re2, the library CEL itself uses): linear time in the subject,
 *   so any pattern without lookaround, backreferences or word boundaries runs
 *   there, on subjects of any length;
 * - V8's RegExp, for patterns that need those features. It backtracks, so such
 *   a pattern may not repeat a group that itself repeats or alternates
 *   (`(a+)+`, `(a|ab)*`: the shapes of catastrophic backtracking), and its
 *   subject is capped at MAX_BACKTRACKING_SUBJECT characters.
 *
 * Python semantics kept on both: `\d`, `\w`, `\s` are Unicode-aware, `.` stops
 * only at `\n`, `$` also matches before a final `\n`, `\Z` is the very end, `]`
 * first in a class is literal and `[[:alpha:]]` is a plain set; `(?P<n>…)`,
 * `(?P=n)`, `{,n}`, `(?#…)` and leading inline flags (`(?i)`, `(?s)`, `(?m)`,
 * `(?x)`, `(?a)`) are understood. An unknown letter escape (`\p{L}`) is invalid,
 * as in Python. Not supported (invalid here): conditional groups, scoped flags
 * `(?i:…)`, possessive quantifiers and atomic groups.
 */
import { RE2JS } from "@bufbuild/re2";
import { KoreoFunctionError } from "./errors.ts";

export const MAX_BACKTRACKING_SUBJECT = 10_000;

export interface CompiledPattern {
  test(subject: string): boolean;
}

export type PatternResult = { readonly ok: true; readonly pattern: CompiledPattern } | { readonly ok: false; readonly message: string };

const MAX_CACHED = 1_000;
const cache = new Map<string, PatternResult>();

/** Compiles (once per distinct pattern text) or explains why the pattern is invalid. */
export function compilePattern(source: string): PatternResult {
  const known = cache.get(source);
  if (known !== undefined) return known;
  const result = compileUncached(source);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(source, result);
  return result;
}

/** `subject.matches(pattern)`: a search anywhere in the subject; invalid patterns fail the evaluation. */
export function matchesPattern(subject: string, pattern: string): boolean {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) throw new KoreoFunctionError(compiled.message);
  return compiled.pattern.test(subject);
}

class PatternError extends Error {}

function compileUncached(source: string): PatternResult {
  try {
    const translated = new Translator(source).translate();
    return { ok: true, pattern: translated };
  } catch (e) {
    const detail = e instanceof PatternError ? e.message : e instanceof Error ? e.message.replace(/^Invalid regular expression: /, "") : String(e);
    return { ok: false, message: `invalid regular expression '${source}': ${detail}` };
  }
}

interface Flags {
  ignoreCase: boolean;
  dotAll: boolean;
  multiline: boolean;
  verbose: boolean;
  ascii: boolean;
}

/** Python's Unicode `\s` (str.isspace, less what `re` leaves out). */
const SPACE: Out = {
  js: "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000",
  re2: "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}",
};
const WORD_UNICODE = "\\p{L}\\p{N}_";
const WORD_ASCII = "A-Za-z0-9_";

/** One piece of output, written for both engines. */
interface Out {
  js: string;
  re2: string;
}

/** A quantified atom's shape, for the backtracking check. */
interface Atom {
  readonly out: Out;
  /** Contains an unbounded or alternating part (a group with `*`, `+`, `{n,}` or `|` inside). */
  readonly repeats: boolean;
}

class Translator {
  private i = 0;
  private readonly flags: Flags = { ignoreCase: false, dotAll: false, multiline: false, verbose: false, ascii: false };
  private backtracking = false;
  private dangerous = false;
  private groups = 0;
  private readonly names = new Set<string>();

  constructor(private readonly src: string) {}

  translate(): CompiledPattern {
    this.leadingFlags();
    const body = this.alternation(0);
    if (this.i < this.src.length)
      throw new PatternError(
        this.src[this.i] === ")" ? `unbalanced parenthesis at position ${this.i}` : `unexpected '${this.src[this.i]}' at position ${this.i}`,
      );
    if (this.backtracking && this.dangerous) {
      throw new PatternError(
        "a pattern with lookaround, backreferences or \\b may not repeat a group that repeats or alternates (it could backtrack without bound)",
      );
    }
    return this.backtracking ? this.jsPattern(body.out.js) : this.re2Pattern(body.out.re2, body.out.js);
  }

  /** V8's engine backtracks: only a capped subject keeps a pattern of bounded shape bounded in time. */
  private jsPattern(js: string): CompiledPattern {
    const re = new RegExp(js, `u${this.flags.ignoreCase ? "i" : ""}`);
    return {
      test(subject) {
        if (subject.length > MAX_BACKTRACKING_SUBJECT) {
          throw new KoreoFunctionError(
            `matches(): this pattern backtracks, so subjects are limited to ${MAX_BACKTRACKING_SUBJECT} characters (got ${subject.length})`,
          );
        }
        return re.test(subject);
      },
    };
  }

  /** RE2; the JS form is compiled too, so both engines agree that the pattern is valid. */
  private re2Pattern(re2: string, js: string): CompiledPattern {
    const flags = this.flags.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0;
    const compiled = RE2JS.compile(re2, flags);
    new RegExp(js, "u");
    return { test: (subject) => compiled.test(subject) };
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.i + offset];
  }

  private fail(message: string): never {
    throw new PatternError(`${message} at position ${this.i}`);
  }

  /** `(?imsxau)` at the very start set global flags (Python 3.11 accepts them nowhere else). */
  private leadingFlags(): void {
    while (this.src.startsWith("(?", this.i)) {
      const m = /^\(\?([aiLmsux]+)\)/.exec(this.src.slice(this.i));
      if (m === null) return;
      for (const f of m[1] as string) {
        if (f === "i") this.flags.ignoreCase = true;
        else if (f === "s") this.flags.dotAll = true;
        else if (f === "m") this.flags.multiline = true;
        else if (f === "x") this.flags.verbose = true;
        else if (f === "a") this.flags.ascii = true;
        else if (f === "L") this.fail("cannot use LOCALE flag with a str pattern");
      }
      this.i += m[0].length;
    }
  }

  private alternation(depth: number): Atom {
    const branches: Atom[] = [this.sequence(depth)];
    while (this.peek() === "|") {
      this.i++;
      branches.push(this.sequence(depth));
    }
    return {
      out: { js: branches.map((b) => b.out.js).join("|"), re2: branches.map((b) => b.out.re2).join("|") },
      repeats: branches.length > 1 || branches.some((b) => b.repeats),
    };
  }

  private sequence(depth: number): Atom {
    const out: Out = { js: "", re2: "" };
    let repeats = false;
    for (;;) {
      this.skipVerbose();
      const c = this.peek();
      if (c === undefined || c === "|" || (c === ")" && depth > 0)) return { out, repeats };
      if (c === ")") this.fail("unbalanced parenthesis");
      const quantified = this.quantifier(this.atom(depth));
      out.js += quantified.out.js;
      out.re2 += quantified.out.re2;
      repeats ||= quantified.repeats;
    }
  }

  /** `(?x)`: whitespace and `#` comments outside classes are not part of the pattern. */
  private skipVerbose(): void {
    if (!this.flags.verbose) return;
    for (;;) {
      const c = this.peek();
      if (c !== undefined && /\s/.test(c)) this.i++;
      else if (c === "#") while (this.peek() !== undefined && this.peek() !== "\n") this.i++;
      else return;
    }
  }

  private quantifier(atom: Atom): Atom {
    this.skipVerbose();
    const c = this.peek();
    let q: string | undefined;
    let unbounded = false;
    if (c === "*" || c === "+" || c === "?") {
      q = c;
      unbounded = c !== "?";
      this.i++;
    } else if (c === "{") {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.src.slice(this.i));
      if (m === null || (m[1] === "" && m[2] === "")) return atom;
      const [, min = "", comma, max = ""] = m;
      if (min !== "" && max !== "" && Number(max) < Number(min)) this.fail("min repeat greater than max repeat");
      if (Number(min || 0) > 1000 || Number(max || 0) > 1000) this.fail("repetition count above 1000");
      q = comma === "" ? `{${min}}` : `{${min || "0"},${max}}`;
      unbounded = comma !== "" && max === "";
      this.i += m[0].length;
    }
    if (q === undefined) return atom;
    if (atom.out.js === "") this.fail("nothing to repeat");
    if (this.peek() === "+") this.fail("possessive quantifiers are not supported");
    const lazy = this.peek() === "?" ? (this.i++, "?") : "";
    this.skipVerbose();
    if (this.peek() === "*" || this.peek() === "+" || (this.peek() === "?" && q !== "?")) this.fail("multiple repeat");
    if (unbounded && atom.repeats) this.dangerous = true;
    return { out: { js: `${atom.out.js}${q}${lazy}`, re2: `${atom.out.re2}${q}${lazy}` }, repeats: atom.repeats || unbounded };
  }

  private atom(depth: number): Atom {
    const c = this.peek() as string;
    const plain = (js: string, re2 = js): Atom => ({ out: { js, re2 }, repeats: false });
    switch (c) {
      case "(":
        return this.group(depth);
      case "[":
        return plain(...this.charClass());
      case "\\":
        return this.escape();
      case ".":
        this.i++;
        return this.flags.dotAll ? plain("[\\s\\S]", "(?s:.)") : plain("[^\\n]", "[^\\n]");
      case "^":
        this.i++;
        return this.flags.multiline ? plain("(?<![^\\n])", "(?m:^)") : plain("^", "\\A");
      case "$":
        this.i++;
        if (this.flags.multiline) return plain("(?![^\\n])", "(?m:$)");
        // Python's `$` also matches before a final newline. matches() only asks whether a match
        // exists, so at the end of a branch RE2 may consume that newline; elsewhere only the
        // lookahead says it, which needs the backtracking engine.
        this.skipVerbose();
        if (this.peek() !== undefined && this.peek() !== "|" && this.peek() !== ")") this.backtracking = true;
        return plain("(?=\\n?$)", "(?:\\n?\\z)");
      case "*":
      case "+":
      case "?":
        return this.fail("nothing to repeat");
      default: {
        this.i += c.length;
        const cp = this.codePointAt(this.i - 1);
        return plain(literal(cp));
      }
    }
  }

  /** Reads a whole code point whose first unit is at `at` (advancing past a surrogate pair). */
  private codePointAt(at: number): number {
    const cp = this.src.codePointAt(at) as number;
    if (cp > 0xffff) this.i++;
    return cp;
  }

  private group(depth: number): Atom {
    const rest = this.src.slice(this.i);
    const wrap = (open: string, re2Open: string | undefined, skip: number): Atom => {
      this.i += skip;
      const inner = this.alternation(depth + 1);
      if (this.peek() !== ")") this.fail("missing ), unterminated subpattern");
      this.i++;
      return { out: { js: `${open}${inner.out.js})`, re2: `${re2Open ?? open}${inner.out.re2})` }, repeats: inner.repeats };
    };
    if (!rest.startsWith("(?")) {
      this.groups++;
      return wrap("(", undefined, 1);
    }
    if (rest.startsWith("(?:")) return wrap("(?:", undefined, 3);
    if (rest.startsWith("(?=") || rest.startsWith("(?!") || rest.startsWith("(?<=") || rest.startsWith("(?<!")) {
      this.backtracking = true;
      return wrap(rest.slice(0, rest[2] === "<" ? 4 : 3), undefined, rest[2] === "<" ? 4 : 3);
    }
    if (rest.startsWith("(?#")) {
      const end = this.src.indexOf(")", this.i);
      if (end < 0) this.fail("missing ), unterminated comment");
      this.i = end + 1;
      return { out: { js: "", re2: "" }, repeats: false };
    }
    const named = /^\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named !== null) {
      const name = named[1] as string;
      if (this.names.has(name)) this.fail(`redefinition of group name '${name}'`);
      this.names.add(name);
      this.groups++;
      return wrap(`(?<${name}>`, `(?P<${name}>`, named[0].length);
    }
    const backref = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest);
    if (backref !== null) {
      if (!this.names.has(backref[1] as string)) this.fail(`unknown group name '${backref[1]}'`);
      this.backtracking = true;
      this.i += backref[0].length;
      return { out: { js: `\\k<${backref[1]}>`, re2: "" }, repeats: false };
    }
    if (/^\(\?[aiLmsux]+\)/.test(rest)) this.fail("global flags not at the start of the expression");
    if (/^\(\?[-aiLmsux]*:/.test(rest)) this.fail("scoped inline flags (?flags:...) are not supported");
    if (rest.startsWith("(?(")) this.fail("conditional groups are not supported");
    if (rest.startsWith("(?>")) this.fail("atomic groups are not supported");
    return this.fail("unknown extension");
  }

  private escape(): Atom {
    const c = this.peek(1);
    if (c === undefined) this.fail("bad escape (end of pattern)");
    this.i += 2;
    const plain = (js: string, re2 = js): Atom => ({ out: { js, re2 }, repeats: false });
    const ascii = this.flags.ascii;
    switch (c) {
      case "A":
        return plain("^", "\\A");
      case "Z":
        return plain("$", "\\z");
      case "b":
      case "B": {
        this.backtracking = true;
        const w = `[${ascii ? WORD_ASCII : WORD_UNICODE}]`;
        const boundary = `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
        return plain(c === "b" ? boundary : `(?!${boundary})`, "");
      }
      case "d":
        return plain(ascii ? "[0-9]" : "\\p{Nd}");
      case "D":
        return plain(ascii ? "[^0-9]" : "\\P{Nd}");
      case "w":
        return plain(`[${ascii ? WORD_ASCII : WORD_UNICODE}]`);
      case "W":
        return plain(`[^${ascii ? WORD_ASCII : WORD_UNICODE}]`);
      case "s":
        return plain(`[${SPACE.js}]`, `[${SPACE.re2}]`);
      case "S":
        return plain(`[^${SPACE.js}]`, `[^${SPACE.re2}]`);
    }
    if (/[1-9]/.test(c)) {
      const three = this.src.slice(this.i - 1, this.i + 2);
      if (/^[0-7]{3}$/.test(three)) return plain(literal(this.octal(three)));
      const digits = /^\d{1,2}/.exec(this.src.slice(this.i - 1))?.[0] ?? c;
      this.i += digits.length - 1;
      const n = Number(digits);
      if (n > this.groups) this.fail(`invalid group reference ${n}`);
      this.backtracking = true;
      return plain(`\\${n}`, "");
    }
    return plain(literal(this.escapedCodePoint(c, false)));
  }

  /** The code point an escape stands for (`c` is the character after the backslash, already consumed). */
  private escapedCodePoint(c: string, inClass: boolean): number {
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (c in simple) return simple[c] as number;
    if (c === "b" && inClass) return 8;
    if (c === "0") {
      const digits = /^[0-7]{0,2}/.exec(this.src.slice(this.i))?.[0] ?? "";
      this.i += digits.length;
      return parseInt(`0${digits}`, 8);
    }
    if (inClass && /[1-7]/.test(c)) {
      const digits = /^[0-7]{0,2}/.exec(this.src.slice(this.i))?.[0] ?? "";
      this.i += digits.length;
      const value = parseInt(c + digits, 8);
      if (value > 0o377) this.fail("octal escape value outside of range 0-0o377");
      return value;
    }
    const hex = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
    if (hex > 0) {
      const digits = this.src.slice(this.i, this.i + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) this.fail(`incomplete escape \\${c}${digits}`);
      this.i += hex;
      const value = parseInt(digits, 16);
      if (value > 0x10ffff) this.fail(`bad escape \\${c}${digits}`);
      return value;
    }
    if (c === "N") this.fail("named Unicode escapes \\N{...} are not supported");
    if (/[A-Za-z0-9]/.test(c)) this.fail(`bad escape \\${c}`);
    return this.codePointAt(this.i - 1);
  }

  private octal(digits: string): number {
    const value = parseInt(digits, 8);
    if (value > 0o377) this.fail("octal escape value outside of range 0-0o377");
    this.i += digits.length - 1;
    return value;
  }

  /** A `[...]` set; returns the JS and RE2 texts. */
  private charClass(): [string, string] {
    this.i++;
    let negated = "";
    if (this.peek() === "^") {
      negated = "^";
      this.i++;
    }
    const items: Out[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail("unterminated character set");
      if (c === "]" && !first) break;
      first = false;
      const low = this.classItem();
      if (typeof low === "number" && this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined) {
        this.i++;
        const high = this.classItem();
        if (typeof high !== "number") this.fail("bad character range");
        if (high < low) this.fail("bad character range");
        const range = `${literal(low, true)}-${literal(high, true)}`;
        items.push({ js: range, re2: range });
      } else {
        items.push(typeof low === "number" ? { js: literal(low, true), re2: literal(low, true) } : low);
      }
    }
    this.i++;
    const js = `[${negated}${items.map((x) => x.js).join("")}]`;
    const re2 = `[${negated}${items.map((x) => x.re2).join("")}]`;
    return [js, re2];
  }

  /** One member of a set: a code point, or a class escape's text. */
  private classItem(): number | Out {
    const c = this.peek() as string;
    if (c !== "\\") {
      this.i += c.length;
      return this.codePointAt(this.i - 1);
    }
    const e = this.peek(1);
    if (e === undefined) this.fail("bad escape (end of pattern)");
    this.i += 2;
    const ascii = this.flags.ascii;
    switch (e) {
      case "d":
        return { js: ascii ? "0-9" : "\\p{Nd}", re2: ascii ? "0-9" : "\\p{Nd}" };
      case "D":
        return { js: ascii ? "\\D" : "\\P{Nd}", re2: ascii ? "\\D" : "\\P{Nd}" };
      case "w":
        return { js: ascii ? WORD_ASCII : WORD_UNICODE, re2: ascii ? WORD_ASCII : WORD_UNICODE };
      case "W":
        return { js: "\\W", re2: "\\W" };
      case "s":
        return SPACE;
      case "S":
        return { js: "\\S", re2: "\\S" };
    }
    return this.escapedCodePoint(e, true);
  }
}

/** A code point written so that both engines read it as itself (JS in `u` mode allows fewer escapes outside a set). */
function literal(cp: number, inClass = false): string {
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, "0")}`;
  const ch = String.fromCodePoint(cp);
  if (/[\\^$.*+?()[\]{}|/]/.test(ch) || (inClass && ch === "-")) return `\\${ch}`;
  return ch;
}
