/**
 * The JSONPath subset CRD printer columns use (kube-apiserver accepts only
 * "simple" paths there): `.field`, `['field']`, `[n]`, `[*]` and filters such as
 * `[?(@.type=="Ready")]`. Evaluation returns every match; a column shows the first.
 */
import { isObject, type Json } from "../json.ts";

type Step =
  { kind: "field"; name: string } | { kind: "index"; index: number } | { kind: "wildcard" } | { kind: "filter"; path: Step[]; op?: "==" | "!="; value?: Json };

export class JsonPathError extends Error {}

const IDENT = /^[A-Za-z0-9_\-$]+/;

function parseLiteral(text: string): Json {
  const t = text.trim();
  if (/^'.*'$/.test(t)) return t.slice(1, -1);
  try {
    return JSON.parse(t) as Json;
  } catch {
    throw new JsonPathError(`unsupported filter value ${t}`);
  }
}

function parseFilter(body: string): Step {
  const m = /^@((?:\.[A-Za-z0-9_\-$]+|\[[^\]]*\])*)\s*(?:(==|!=)\s*(.+))?$/.exec(body.trim());
  if (m === null) throw new JsonPathError(`unsupported filter ${body}`);
  const path = parseJsonPath(m[1] ?? "");
  return m[2] === undefined ? { kind: "filter", path } : { kind: "filter", path, op: m[2] as "==" | "!=", value: parseLiteral(m[3] ?? "") };
}

function closingBracket(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "]") return i;
  }
  throw new JsonPathError(`unclosed [ in ${text}`);
}

function bracketStep(inner: string): Step {
  const t = inner.trim();
  if (t === "*") return { kind: "wildcard" };
  if (/^-?\d+$/.test(t)) return { kind: "index", index: Number(t) };
  if (/^'.*'$|^".*"$/.test(t)) return { kind: "field", name: t.slice(1, -1) };
  if (t.startsWith("?(") && t.endsWith(")")) return parseFilter(t.slice(2, -1));
  throw new JsonPathError(`unsupported selector [${inner}]`);
}

/** Accepts the path with or without kubectl's `{…}` braces. */
export function parseJsonPath(source: string): Step[] {
  const text = source.trim().replace(/^\{(.*)\}$/s, "$1");
  const steps: Step[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ".") {
      const m = IDENT.exec(text.slice(i + 1));
      if (m !== null) {
        steps.push({ kind: "field", name: m[0] });
        i += 1 + m[0].length;
      } else if (text[i + 1] === "*") {
        steps.push({ kind: "wildcard" });
        i += 2;
      } else i += 1;
    } else if (text[i] === "[") {
      const end = closingBracket(text, i + 1);
      steps.push(bracketStep(text.slice(i + 1, end)));
      i = end + 1;
    } else throw new JsonPathError(`unexpected "${text[i]}" in ${source}`);
  }
  return steps;
}

function matches(value: Json, step: Step & { kind: "filter" }): boolean {
  const found = evaluate(step.path, value);
  if (step.op === undefined) return found.length > 0;
  const equal = found.some((f) => JSON.stringify(f) === JSON.stringify(step.value));
  return step.op === "==" ? equal : !equal;
}

function children(value: Json): Json[] {
  if (Array.isArray(value)) return value;
  return isObject(value) ? Object.values(value) : [];
}

function apply(step: Step, value: Json): Json[] {
  switch (step.kind) {
    case "field":
      return isObject(value) && value[step.name] !== undefined ? [value[step.name]!] : [];
    case "index": {
      if (!Array.isArray(value)) return [];
      const v = value[step.index < 0 ? value.length + step.index : step.index];
      return v === undefined ? [] : [v];
    }
    case "wildcard":
      return children(value);
    case "filter":
      return children(value).filter((v) => matches(v, step));
    default: {
      const never: never = step;
      return never;
    }
  }
}

export function evaluate(steps: readonly Step[], root: Json): Json[] {
  return steps.reduce<Json[]>((values, step) => values.flatMap((v) => apply(step, v)), [root]);
}
