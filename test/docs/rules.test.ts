// The rulebook in docs/rules/ stays complete and its index stays current.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { INDEX_PATH, bareIdDocComments, citedIds, readRules, renderIndex, undocumentedCitations } from "../../scripts/rule-index.mjs";

// Rule IDs are assembled here so that this file does not itself cite them.
const id = (prefix: string, rest: string) => `${prefix}-${rest}`;

test("citations: ranges, lists and slashes resolve to single rule IDs", () => {
  assert.deepEqual(
    citedIds(id("EXPR", "100..103")),
    ["100", "101", "102", "103"].map((n) => id("EXPR", n)),
  );
  assert.deepEqual(citedIds(`${id("FT", "1")}…${id("FT", "3")}`), [id("FT", "1"), id("FT", "2"), id("FT", "3")]);
  assert.deepEqual(citedIds(id("EXPR", "82, -85")), [id("EXPR", "82"), id("EXPR", "85")]);
  assert.deepEqual(citedIds(id("EXPR-FN", "9/10")), [id("EXPR-FN", "9"), id("EXPR-FN", "10")]);
  assert.deepEqual(citedIds(`${id("RF", "20")} / ${id("VAL", "4")}`), [id("RF", "20"), id("VAL", "4")]);
  assert.deepEqual(citedIds("UTF-8, SHA-256, ISO-8601"), []);
});

test("every rule documented in docs/rules has a one-line summary", () => {
  const rules = readRules();
  assert.ok(rules.size > 0, "no rules found in docs/rules");
  const empty = [...rules].filter(([, r]) => r.summary.trim() === "").map(([rule]) => rule);
  assert.deepEqual(empty, [], "rules without a summary sentence");
});

test("every rule ID cited in src/ or test/ is documented in docs/rules", () => {
  const missing = undocumentedCitations().map(({ id: rule, files }) => `${rule} (cited in ${files.join(", ")})`);
  assert.deepEqual(missing, [], "add these rules to docs/rules/<page>.md, then run `npm run rules`");
});

test("docs/rules/index.md is what `npm run rules` generates", () => {
  const committed = readFileSync(INDEX_PATH, "utf8");
  assert.ok(committed === renderIndex(), "docs/rules/index.md is stale: run `npm run rules`");
});

test("no doc comment in src/ is only a rule ID", () => {
  const bare = bareIdDocComments().map(({ file, line, text }) => `${file}:${line}: /** ${text} */`);
  assert.deepEqual(bare, [], "say what the rule is after its ID");
});
