/**
 * A strict JSON reader that keeps ints and doubles apart (EXPR-60): a number
 * written without fraction or exponent is a bigint, otherwise a number. JSON.parse
 * cannot tell `1` from `1.0`, which from_json must.
 */
import type { CelInput } from "@bufbuild/cel";
import { INT64_MAX, INT64_MIN } from "../value/index.ts";

export type JsonRead = { readonly ok: true; readonly value: CelInput } | { readonly ok: false; readonly error: string };

const MAX_DEPTH = 512;
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const STRING_BODY = /[^"\\\u0000-\u001f]*/y;

class JsonSyntax extends Error {}

class Reader {
  private i = 0;
  constructor(private readonly text: string) {}

  document(): CelInput {
    const v = this.value(0);
    this.space();
    if (this.i < this.text.length) this.fail("Extra data");
    return v;
  }

  private fail(what: string): never {
    throw new JsonSyntax(`${what}: line 1 column ${this.i + 1} (char ${this.i})`);
  }

  private space(): void {
    while (/[ \t\n\r]/.test(this.text[this.i] ?? "")) this.i++;
  }

  private value(depth: number): CelInput {
    if (depth > MAX_DEPTH) this.fail("Nesting too deep");
    this.space();
    const c = this.text[this.i];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.number();
  }

  private number(): CelInput {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (m === null) this.fail("Expecting value");
    this.i += m[0].length;
    if (m[2] !== undefined || m[3] !== undefined) return Number(m[0]);
    const n = BigInt(m[0]);
    if (n < INT64_MIN || n > INT64_MAX) this.fail("Integer out of 64-bit range");
    return n;
  }

  private string(): string {
    this.i++;
    let out = "";
    for (;;) {
      STRING_BODY.lastIndex = this.i;
      const chunk = STRING_BODY.exec(this.text)?.[0] ?? "";
      out += chunk;
      this.i += chunk.length;
      const c = this.text[this.i];
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c !== "\\") this.fail(c === undefined ? "Unterminated string" : "Invalid control character");
      out += this.escape();
    }
  }

  private escape(): string {
    const c = this.text[this.i + 1];
    this.i += 2;
    const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
    if (c !== undefined && simple[c] !== undefined) return simple[c] as string;
    const hex = this.text.slice(this.i, this.i + 4);
    if (c !== "u" || !/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("Invalid \\escape");
    this.i += 4;
    return String.fromCharCode(parseInt(hex, 16));
  }

  private array(depth: number): CelInput {
    this.i++;
    const out: CelInput[] = [];
    this.space();
    if (this.text[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.space();
      const c = this.text[this.i++];
      if (c === "]") return out;
      if (c !== ",") this.fail("Expecting ',' delimiter");
    }
  }

  private object(depth: number): CelInput {
    this.i++;
    const out = new Map<string, CelInput>();
    this.space();
    if (this.text[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') this.fail("Expecting property name enclosed in double quotes");
      const key = this.string();
      this.space();
      if (this.text[this.i++] !== ":") this.fail("Expecting ':' delimiter");
      out.set(key, this.value(depth + 1));
      this.space();
      const c = this.text[this.i++];
      if (c === "}") return out;
      if (c !== ",") this.fail("Expecting ',' delimiter");
    }
  }
}

export function parseJsonText(text: string): JsonRead {
  try {
    return { ok: true, value: new Reader(text).document() };
  } catch (e) {
    if (e instanceof JsonSyntax) return { ok: false, error: e.message };
    throw e;
  }
}
