/**
 * Label and field selectors with kube-apiserver's grammar: comma-separated
 * requirements, each one of `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`,
 * `k`, `!k`. One parser for the embedded API server (which answers 400 on a
 * bad selector) and for the adapters that filter lists themselves (in-memory),
 * so both read a selector the same way. Field selectors only know
 * `metadata.name` and `metadata.namespace` with `=`, `==`, `!=`, as every kind does.
 */
export type Requirement =
  | { readonly op: "eq" | "neq"; readonly key: string; readonly value: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: ReadonlySet<string> }
  | { readonly op: "exists" | "absent"; readonly key: string };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

const SET_RE = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQ_RE = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;
const KEY_RE = /^(!?)\s*([^\s!=(),]+)$/;

function parseRequirement(text: string): Requirement | undefined {
  const set = SET_RE.exec(text);
  if (set !== null) {
    const values = new Set(
      (set[3] ?? "")
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== ""),
    );
    return { op: set[2] === "in" ? "in" : "notin", key: set[1] ?? "", values };
  }
  const eq = EQ_RE.exec(text);
  if (eq !== null) return { op: eq[2] === "!=" ? "neq" : "eq", key: eq[1] ?? "", value: eq[3] ?? "" };
  const key = KEY_RE.exec(text);
  if (key !== null) return { op: key[1] === "!" ? "absent" : "exists", key: key[2] ?? "" };
  return undefined;
}

/** A label selector; empty text selects everything (no requirements). */
export function parseSelector(text: string): Parsed<Requirement[]> {
  const requirements: Requirement[] = [];
  for (const term of splitTopLevel(text)) {
    const requirement = parseRequirement(term);
    if (requirement === undefined) return { ok: false, message: `unable to parse requirement: "${term}"` };
    requirements.push(requirement);
  }
  return { ok: true, value: requirements };
}

export const SELECTABLE_FIELDS: ReadonlySet<string> = new Set(["metadata.name", "metadata.namespace"]);

/** A field selector: the label grammar, restricted to SELECTABLE_FIELDS and (in)equality. */
export function parseFieldSelector(text: string, selectable: ReadonlySet<string> = SELECTABLE_FIELDS): Parsed<Requirement[]> {
  const parsed = parseSelector(text);
  if (!parsed.ok) return parsed;
  for (const f of parsed.value) {
    if (!selectable.has(f.key)) return { ok: false, message: `field label not supported: ${f.key}` };
    if (f.op !== "eq" && f.op !== "neq") return { ok: false, message: `invalid field selector operator for ${f.key}` };
  }
  return parsed;
}

function matchesOne(req: Requirement, fields: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(fields, req.key);
  const v = has ? fields[req.key] : undefined;
  switch (req.op) {
    case "eq":
      return v === req.value;
    case "neq":
      return v !== req.value;
    case "in":
      return v !== undefined && req.values.has(v);
    case "notin":
      return v === undefined || !req.values.has(v);
    case "exists":
      return has;
    case "absent":
      return !has;
    default: {
      const unreachable: never = req;
      return unreachable;
    }
  }
}

/** Labels (or `{ "metadata.name": …, "metadata.namespace": … }` for fields) against every requirement. */
export function matchesSelector(requirements: readonly Requirement[], fields: Readonly<Record<string, string>>): boolean {
  return requirements.every((r) => matchesOne(r, fields));
}
