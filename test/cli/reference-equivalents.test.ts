import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { koreo, lastLine } from "../support/cli.ts";

const VF = (name: string) => `apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata:
  name: ${name}
  namespace: team
spec:
  return:
    ok: true
`;
const FT = `apiVersion: koreo.dev/v1beta1
kind: FunctionTest
metadata:
  name: nested-test
  namespace: team
spec:
  functionRef: {kind: ValueFunction, name: nested}
  testCases:
    - expectReturn: {ok: true}
`;

test("CLI-5 / CLI-16 `koreo --help` and `koreo <cmd> --help` print help; a missing or unknown command exits 2", async () => {
  assert.equal((await koreo("--help")).code, 0);
  assert.equal((await koreo()).code, 2);
  const unknown = await koreo("frobnicate");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  assert.match((await koreo("validate", "-h")).stdout, /usage: koreo validate/);
  assert.match((await koreo("test", "-h")).stdout, /usage: koreo test/);
});

test("CLI-1 / FT-33 like the reference's directory walk, nested folders and .koreo/.k/.k.yaml files are all found", async () => {
  const dir = await mkdtemp(join(tmpdir(), "koreo-walk-"));
  await mkdir(join(dir, "a", "b"), { recursive: true });
  await writeFile(join(dir, "a", "b", "function.koreo"), VF("nested"));
  await writeFile(join(dir, "a", "other.k"), VF("other"));
  await writeFile(join(dir, "test.k.yaml"), FT);
  const run = await koreo("test", dir);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(lastLine(run.stdout), "1 passed, 0 failed");
});

test("CLI-6 / CLI-15 the language server's diagnostics come from `koreo validate --format json`: duplicates, YAML errors, preparation errors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "koreo-diag-"));
  await writeFile(join(dir, "one.k.yaml"), VF("dup"));
  await writeFile(join(dir, "two.k.yaml"), `${VF("dup")}---\n${VF("bad").replace("ok: true", "ok: =1 +")}`);
  await writeFile(join(dir, "three.k.yaml"), "spec: [\n");
  const run = await koreo("validate", dir, "--format", "json");
  assert.equal(run.code, 1);
  const problems = JSON.parse(run.stdout) as Array<{ file: string; line: number; message: string; name: string | null }>;
  assert.ok(
    problems.some((p) => p.file.endsWith("two.k.yaml") && p.name === "dup" && /duplicate/i.test(p.message)),
    "duplicate definition",
  );
  assert.ok(
    problems.some((p) => p.file.endsWith("two.k.yaml") && p.name === "bad" && /Parsing error/.test(p.message)),
    "preparation error",
  );
  assert.ok(
    problems.some((p) => p.file.endsWith("three.k.yaml") && p.line > 0),
    "YAML error with position",
  );
});
