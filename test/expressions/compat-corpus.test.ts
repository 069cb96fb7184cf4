/**
 * Every reference-verified case of ../shared/compat/expressions.yaml (EXPR-100..108
 * and the rules before them): differential results of the Python reference that
 * this implementation must reproduce. One test per case family, reporting each
 * failing case id with what we produced.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMap as isYamlMap, isScalar, isSeq, parseDocument, type Node, type ScalarTag, type Tags } from "yaml";
import { withYaml11Scalars } from "../../src/definitions/yaml-compat.ts";
import { evaluateSource } from "../../src/expressions/index.ts";
import { valuesEqual } from "../../src/value/equal.ts";
import { setEntry, toJsonText, type Value, type ValueMap } from "../../src/value/value.ts";

const CORPUS = fileURLToPath(new URL("../../../shared/compat/expressions.yaml", import.meta.url));

/**
 * The corpus was written by PyYAML, whose floats always have a dot ("1.0e-05");
 * a plain `1e-05` there is the string "1e-05". So floats are read the PyYAML way,
 * booleans and ints the YAML 1.1 way our loader already implements.
 */
const FLOAT = "tag:yaml.org,2002:float";
const pyyamlFloat: ScalarTag = {
  identify: (v) => typeof v === "number",
  default: true,
  tag: FLOAT,
  test: /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?)$/,
  resolve: (s) => Number(s.replace(/_/g, "")),
};
const pyyamlSpecialFloat: ScalarTag = {
  identify: () => false,
  default: true,
  tag: FLOAT,
  test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve: (s) => (s.toLowerCase().includes("nan") ? NaN : s.startsWith("-") ? -Infinity : Infinity),
};
const pyyamlScalars = (tags: Tags): Tags => [
  pyyamlFloat,
  pyyamlSpecialFloat,
  ...withYaml11Scalars(tags).filter((t) => typeof t === "string" || t.tag !== FLOAT),
];

/** YAML node → Value, keeping key order (EXPR-108) and `__proto__` keys as data. */
function toValue(node: unknown): Value {
  if (isSeq(node)) return node.items.map(toValue);
  if (isYamlMap(node)) {
    const out: ValueMap = {};
    for (const pair of node.items) setEntry(out, String(isScalar(pair.key) ? pair.key.value : pair.key), toValue(pair.value));
    return out;
  }
  if (isScalar(node)) return node.value as Value;
  return null;
}

interface Case {
  readonly id: string;
  readonly expr: string;
  readonly inputs: ValueMap;
  readonly expect?: Value;
  readonly error: boolean;
}

function loadCorpus(): Case[] {
  const doc = parseDocument(readFileSync(CORPUS, "utf8"), { intAsBigInt: true, schema: "core", customTags: pyyamlScalars });
  assert.ok(isSeq(doc.contents), "the corpus is a YAML list");
  return doc.contents.items.map((item) => {
    assert.ok(isYamlMap(item));
    const field = (name: string): Node | undefined => item.get(name, true) as Node | undefined;
    const expr = field("expr");
    assert.ok(isScalar(expr));
    return {
      id: String(toValue(field("id"))),
      // The CEL text exactly as written (a plain `1.0` must not become the number 1).
      expr: typeof expr.value === "string" ? expr.value : String(expr.source),
      inputs: (toValue(field("inputs")) ?? {}) as ValueMap,
      expect: field("expect") === undefined ? undefined : toValue(field("expect")),
      error: toValue(field("error")) === true,
    };
  });
}

/**
 * Two cases record the reference's `string()` of an internal Python exception
 * (its repr). The spec excludes such artefacts from the corpus (expressions.md
 * §13 opening) and requires the evaluation to fail (EXPR-104 impossible times,
 * EXPR-105 unit-less durations), so a failure is what we check for them.
 */
const PYTHON_ERROR_REPR = /^\('return error for overflow', <class '[^']+'>/;

const text = (v: Value): string => toJsonText(v).replace(/(\d+)n/g, "$1");

function check(c: Case): string | undefined {
  const r = evaluateSource(c.expr, c.inputs);
  const wantsError = c.error || (typeof c.expect === "string" && PYTHON_ERROR_REPR.test(c.expect));
  if (wantsError) return r.ok ? `${c.id}: ${c.expr} → ${text(r.value)}, expected an error` : undefined;
  if (!r.ok) return `${c.id}: ${c.expr} → ${r.outcome.message}, expected ${text(c.expect ?? null)}`;
  // Lists compare in order, so lists made from maps (`.map(k, k)`) check insertion order (EXPR-66); map keys compare as sets.
  return valuesEqual(r.value, c.expect ?? null) ? undefined : `${c.id}: ${c.expr} → ${text(r.value)}, expected ${text(c.expect ?? null)}`;
}

const cases = loadCorpus();
/** Case ids start with their family: `cmperr-00100`, `mut-split_index-…`, `seed-…`. */
const families = new Map<string, Case[]>();
for (const c of cases) {
  const family = c.id.split("-")[0] as string;
  families.set(family, [...(families.get(family) ?? []), c]);
}

test("EXPR-100..108 the compatibility corpus has its ~9 600 cases", () => {
  assert.ok(cases.length > 9_000, `only ${cases.length} cases read`);
});

for (const [family, members] of families) {
  test(`EXPR-100..108 compat corpus: ${family} (${members.length} cases agree with the reference)`, () => {
    const failures = members.map(check).filter((f): f is string => f !== undefined);
    assert.equal(failures.length, 0, `${failures.length} of ${members.length} cases differ:\n${failures.slice(0, 40).join("\n")}`);
  });
}
