/**
 * The broken-definition corpus: every file in test/fixtures/broken is wrong in one way,
 * and expected.json records exactly the problems it must produce (position, identity,
 * field path, message substring) through the same pipeline `koreo validate` runs:
 * load → schema + semantic rules → lint.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPaths } from "../../src/definitions/load-files.ts";
import { validateDefinition } from "../../src/definitions/rules.ts";
import { lintDefinition } from "../../src/definitions/index.ts";
import { LIMITS } from "../../src/definitions/limits.ts";
import type { Problem } from "../../src/definitions/definition.ts";

const DIR = join(import.meta.dirname, "..", "fixtures", "broken");

interface Expected {
  readonly line: number;
  readonly column: number;
  readonly severity: Problem["severity"];
  readonly kind?: string;
  readonly name?: string;
  readonly path?: string;
  readonly message: string;
}

const manifest = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")) as Record<string, { rule: string; problems: Expected[] }>;

async function allProblems(file: string): Promise<Problem[]> {
  const loaded = await loadPaths([file]);
  const problems = [...loaded.problems];
  for (const definition of loaded.definitions) {
    const validation = validateDefinition(definition);
    if (!validation.ok) problems.push(...validation.problems);
    problems.push(...lintDefinition(definition));
  }
  return problems;
}

function observed(p: Problem, message: string): Expected {
  const out: { -readonly [K in keyof Expected]: Expected[K] } = { line: p.line ?? 0, column: p.column ?? 0, severity: p.severity, message };
  if (p.kind !== undefined) out.kind = p.kind;
  if (p.name !== undefined) out.name = p.name;
  if (p.path !== undefined) out.path = p.path;
  return out;
}

test("the corpus has at least 50 broken files, each with recorded expectations", () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith(".koreo"))
    .sort();
  assert.ok(files.length >= 50, `only ${files.length} files`);
  assert.deepEqual(files, Object.keys(manifest).sort());
});

for (const [file, { rule, problems: expected }] of Object.entries(manifest)) {
  test(`${rule} broken corpus: ${file}`, async () => {
    const path = join(DIR, file);
    const actual = await allProblems(path);
    assert.equal(actual.length, expected.length, `problems: ${JSON.stringify(actual, null, 1)}`);
    actual.forEach((p, i) => {
      const want = expected[i] as Expected;
      assert.equal(p.file, path);
      assert.ok(p.message.includes(want.message), `message ${JSON.stringify(p.message)} lacks ${JSON.stringify(want.message)}`);
      assert.deepEqual(observed(p, want.message), want);
    });
  });
}

test("CLI-11 a generated 20 MB file is refused by size before parsing, naming the file", async () => {
  const file = join(await mkdtemp(join(tmpdir(), "koreo-broken-")), "huge.koreo");
  const handle = await open(file, "w");
  const chunk = "apiVersion: v1\nkind: ConfigMap\n---\n".repeat(30_000);
  for (let written = 0; written < 20 * 1024 * 1024; written += chunk.length) await handle.write(chunk);
  await handle.close();
  const problems = await allProblems(file);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.file, file);
  assert.match(problems[0]?.message ?? "", new RegExp(`file too large \\(\\d+ bytes; the limit is ${LIMITS.maxFileBytes} bytes\\)`));
});
