#!/usr/bin/env node
// Builds docs/rules/index.md: one row per rule ID documented in docs/rules/*.md, with
// its one-line summary (the first sentence under the rule's heading), the files in
// src/ that cite it and the files in test/ that cite it.
//
//   node scripts/rule-index.mjs           write docs/rules/index.md   (npm run rules)
//   node scripts/rule-index.mjs --check   exit 1 when the index is stale or a cited rule is undocumented
//
// Plain Node, no dependencies. test/docs/rules.test.ts uses the exported functions.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Rule-ID prefixes used by the spec; longer ones first so `EXPR-FN-1` is not read as `EXPR`. */
export const PREFIXES = [
  "EXPR-FN",
  "EXPR",
  "OUT",
  "BODY",
  "VF",
  "RF",
  "CMP",
  "RT",
  "VAL",
  "CACHE",
  "REG",
  "COND",
  "FTF",
  "WF",
  "ST",
  "CTL",
  "SRV",
  "FT",
  "CLI",
  "CRD",
];

/** The rule pages, in the order the index lists them. */
export const PAGES = ["expressions.md", "functions.md", "workflow.md", "function-test.md"];

const P = PREFIXES.join("|");
// A citation: `EXPR-9`, optionally followed by ranges and lists that share its prefix:
// `EXPR-5..13`, `FT-10..FT-17`, `FT-1…FT-8`, `EXPR-66/108`, `RF-20 / RF-44`, `EXPR-82, -85, -87`.
const TAIL = String.raw`(?:\s?(?:\.\.\.?|…|–)\s?(?:(?:${P})-)?\d+|\s?\/\s?(?:(?:${P})-)?\d+|,\s?-\d+)`;
const CITATION = new RegExp(String.raw`\b(${P})-(\d+)(${TAIL}*)`, "g");
const TAIL_PIECE = new RegExp(String.raw`(\.\.\.?|…|–|\/|,)\s?(?:(${P})-|-)?(\d+)`, "g");
const HEADING = new RegExp(String.raw`^#{2,6}\s+((?:${P})-\d+)\s*$`);

/** Every rule ID a text cites, ranges and lists resolved to single IDs, in order of appearance. */
export function citedIds(text) {
  const ids = [];
  for (const m of text.matchAll(CITATION)) {
    const prefix = m[1];
    let last = Number(m[2]);
    ids.push(`${prefix}-${last}`);
    for (const piece of (m[3] ?? "").matchAll(TAIL_PIECE)) {
      const [, sepr, otherPrefix, digits] = piece;
      const n = Number(digits);
      const samePrefix = otherPrefix === undefined || otherPrefix === prefix;
      if (!samePrefix) {
        ids.push(`${otherPrefix}-${n}`);
        continue;
      }
      if (sepr !== "/" && sepr !== "," && n > last) {
        for (let i = last + 1; i <= n; i++) ids.push(`${prefix}-${i}`);
      } else {
        ids.push(`${prefix}-${n}`);
      }
      last = n;
    }
  }
  return ids;
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []))
    .sort();
}

const posix = (p) => p.split(sep).join("/");

/** Map rule ID → { src: Set of repo-relative paths, test: Set of repo-relative paths }. */
export function collectCitations(root = ROOT) {
  const found = new Map();
  for (const area of ["src", "test"]) {
    for (const file of walk(join(root, area))) {
      const text = readFileSync(file, "utf8");
      const rel = posix(relative(root, file));
      for (const id of citedIds(text)) {
        if (!found.has(id)) found.set(id, { src: new Set(), test: new Set() });
        found.get(id)[area].add(rel);
      }
    }
  }
  return found;
}

/** The first sentence of a paragraph: up to a `.` followed by a space (outside code spans). */
export function firstSentence(paragraph) {
  let fence = 0; // length of the backtick run that opened the current code span, 0 outside one
  for (let i = 0; i < paragraph.length; i++) {
    const c = paragraph[i];
    if (c === "`") {
      let run = 1;
      while (paragraph[i + run] === "`") run++;
      if (fence === 0) fence = run;
      else if (run === fence) fence = 0;
      i += run - 1;
      continue;
    }
    if (fence !== 0 || c !== ".") continue;
    const next = paragraph[i + 1];
    if (next !== undefined && next !== " ") continue;
    const before = paragraph.slice(0, i + 1);
    if (/\b(?:e\.g|i\.e|vs|etc)\.$/.test(before)) continue;
    return before;
  }
  return paragraph;
}

/**
 * The rules documented in docs/rules/<page>: Map rule ID → { page, summary }, in page
 * order then document order. A rule is a heading holding only its ID (`### EXPR-100`,
 * so `expressions.md#expr-100` links to it); its summary is the first sentence of the
 * first paragraph below the heading. Throws on a rule documented twice.
 */
export function readRules(root = ROOT) {
  const rules = new Map();
  for (const page of PAGES) {
    const lines = readFileSync(join(root, "docs", "rules", page), "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const h = HEADING.exec(lines[i]);
      if (!h) continue;
      const id = h[1];
      if (rules.has(id)) throw new Error(`${id} is documented twice (${rules.get(id).page} and ${page})`);
      let j = i + 1;
      while (j < lines.length && lines[j].trim() === "") j++;
      const para = [];
      while (j < lines.length && lines[j].trim() !== "" && !lines[j].startsWith("#")) para.push(lines[j++].trim());
      rules.set(id, { page, summary: firstSentence(para.join(" ")) });
    }
  }
  return rules;
}

const cell = (s) => s.replace(/\|/g, "\\|");
const links = (paths) =>
  [...paths]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((p) => `[${p.replace(/^(src|test)\//, "")}](../../${p})`)
    .join(", ") || "–";

/** The text of docs/rules/index.md. */
export function renderIndex(root = ROOT) {
  const rules = readRules(root);
  const cited = collectCitations(root);
  const out = [
    "# Rule index",
    "",
    "<!-- Generated by scripts/rule-index.mjs (`npm run rules`); do not edit by hand. -->",
    "",
    `One row per rule of the [rulebook](../README.md) (${rules.size} rules): what it says, the source files`,
    "that cite it and the test files (tests, helpers, fixtures) that cite it. Paths are relative to",
    "`src/` and `test/`. Regenerate with `npm run rules` after adding or moving a citation;",
    "`test/docs/rules.test.ts` fails while this file is stale.",
    "",
    "| Rule | What it says | Implemented in | Tested in |",
    "|---|---|---|---|",
  ];
  for (const [id, { page, summary }] of rules) {
    const where = cited.get(id) ?? { src: new Set(), test: new Set() };
    out.push(`| [${id}](${page}#${id.toLowerCase()}) | ${cell(summary)} | ${links(where.src)} | ${links(where.test)} |`);
  }
  const missing = [...cited.keys()].filter((id) => !rules.has(id)).sort();
  if (missing.length > 0) {
    out.push("", "## Cited but not documented", "");
    for (const id of missing) {
      const where = cited.get(id);
      out.push(`- ${id}: ${links(new Set([...where.src, ...where.test]))}`);
    }
  }
  return out.join("\n") + "\n";
}

/** Rule IDs cited in src/ or test/ that no docs/rules page documents: [{ id, files }]. */
export function undocumentedCitations(root = ROOT) {
  const rules = readRules(root);
  return [...collectCitations(root)]
    .filter(([id]) => !rules.has(id))
    .map(([id, where]) => ({ id, files: [...where.src, ...where.test].sort() }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Doc comments (`/** … *\/`) in src/**\/*.ts whose whole text is rule IDs and punctuation,
 * e.g. `/** EXPR-94 *\/`: [{ file, line, text }]. A doc comment should say what it does.
 */
export function bareIdDocComments(root = ROOT) {
  const found = [];
  for (const file of walk(join(root, "src")).filter((f) => f.endsWith(".ts"))) {
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
      const text = m[1]
        .split("\n")
        .map((l) => l.replace(/^\s*\*?\s?/, ""))
        .join(" ")
        .trim();
      if (citedIds(text).length === 0) continue;
      const rest = text.replace(CITATION, " ").replace(/\b(?:and|see)\b/gi, " ");
      if (/[\p{L}\p{N}]/u.test(rest)) continue;
      found.push({ file: posix(relative(root, file)), line: source.slice(0, m.index).split("\n").length, text });
    }
  }
  return found;
}

export const INDEX_PATH = join(ROOT, "docs", "rules", "index.md");

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = renderIndex();
  const missing = undocumentedCitations();
  for (const { id, files } of missing) console.error(`undocumented rule ${id}, cited in ${files.join(", ")}`);
  if (process.argv.includes("--check")) {
    const stale = readFileSync(INDEX_PATH, "utf8") !== text;
    if (stale) console.error("docs/rules/index.md is stale: run `npm run rules`");
    process.exit(stale || missing.length > 0 ? 1 : 0);
  }
  writeFileSync(INDEX_PATH, text);
  console.log(`wrote ${posix(relative(ROOT, INDEX_PATH))} (${readRules().size} rules)`);
}
