/**
 * Label and field selectors as the API server reads them, for adapters that
 * filter lists themselves (in-memory). Set-based label syntax is supported.
 */
export type LabelRequirement =
  | { readonly op: "=" | "!="; readonly key: string; readonly value: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: readonly string[] }
  | { readonly op: "exists" | "!exists"; readonly key: string };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Splits on commas outside parentheses (`a in (x,y),b=c`). */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== "");
}

const SET_TERM = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQUALITY_TERM = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;
const EXISTS_TERM = /^(!?)([^\s!=(),]+)$/;

function parseTerm(term: string): LabelRequirement | undefined {
  const set = SET_TERM.exec(term);
  if (set) {
    const values = (set[3] ?? "").split(",").map((v) => v.trim()).filter((v) => v !== "");
    return { op: set[2] === "in" ? "in" : "notin", key: set[1] ?? "", values };
  }
  const equality = EQUALITY_TERM.exec(term);
  if (equality) return { op: equality[2] === "!=" ? "!=" : "=", key: equality[1] ?? "", value: equality[3] ?? "" };
  const exists = EXISTS_TERM.exec(term);
  if (exists) return { op: exists[1] === "!" ? "!exists" : "exists", key: exists[2] ?? "" };
  return undefined;
}

export function parseLabelSelector(text: string): Parsed<LabelRequirement[]> {
  const requirements: LabelRequirement[] = [];
  for (const term of splitTerms(text)) {
    const requirement = parseTerm(term);
    if (!requirement) return { ok: false, message: `unable to parse requirement: "${term}"` };
    requirements.push(requirement);
  }
  return { ok: true, value: requirements };
}

function matchesOne(requirement: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[requirement.key];
  switch (requirement.op) {
    case "=":
      return value === requirement.value;
    case "!=":
      return value !== requirement.value;
    case "in":
      return value !== undefined && requirement.values.includes(value);
    case "notin":
      return value === undefined || !requirement.values.includes(value);
    case "exists":
      return value !== undefined;
    case "!exists":
      return value === undefined;
    default: {
      const unreachable: never = requirement;
      return unreachable;
    }
  }
}

export function matchesLabels(requirements: readonly LabelRequirement[], labels: Readonly<Record<string, string>>): boolean {
  return requirements.every((r) => matchesOne(r, labels));
}

/** Field selectors: only `metadata.name` and `metadata.namespace`, with `=`, `==`, `!=` (what every kind supports). */
export type FieldRequirement = { readonly field: "metadata.name" | "metadata.namespace"; readonly equals: boolean; readonly value: string };

export function parseFieldSelector(text: string): Parsed<FieldRequirement[]> {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(text)) {
    const match = /^(metadata\.name|metadata\.namespace)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) return { ok: false, message: `field label not supported: "${term}"` };
    const field = match[1] === "metadata.name" ? "metadata.name" : "metadata.namespace";
    requirements.push({ field, equals: match[2] !== "!=", value: match[3] ?? "" });
  }
  return { ok: true, value: requirements };
}

export function matchesFields(requirements: readonly FieldRequirement[], fields: { name: string; namespace: string }): boolean {
  return requirements.every((r) => {
    const actual = r.field === "metadata.name" ? fields.name : fields.namespace;
    return (actual === r.value) === r.equals;
  });
}
