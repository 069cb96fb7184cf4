/**
 * Bad input reaches the CLI as a clear message naming the file (and line and column
 * where known), a normal exit, nothing written — never a stack trace or an engine
 * message such as "Maximum call stack size exceeded" (CLI-11, CLI-12, FT-34).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { access, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { koreo, lastLine, type CliRun } from "../support/cli.ts";

const HEAD = "apiVersion: koreo.dev/v1beta1\nkind: ValueFunction\nmetadata: {name: deep}\nspec:\n  return:\n    a: ";

async function file(name: string, content: string | Buffer): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), "koreo-bad-input-"));
  const path = join(dir, name);
  await writeFile(path, content);
  return { dir, path };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function clean(run: CliRun): void {
  const all = `${run.stdout}\n${run.stderr}`;
  assert.doesNotMatch(all, /Maximum call stack|RangeError|TypeError|\n\s+at /, "no engine message, no stack trace");
}

test("CLI-11 / CLI-12 10,000-deep flow nesting is a clear nesting error at file:line:col; koreo test runs nothing and writes no report", async () => {
  const { dir, path } = await file("flow.k.yaml", `${HEAD}${"[".repeat(10_000)}${"]".repeat(10_000)}\n`);
  const validate = await koreo("validate", dir);
  clean(validate);
  assert.equal(validate.code, 1);
  assert.equal(validate.stdout, `${path}:6:134: error: nesting deeper than 128 levels at spec.return.a[0][0][0][0][0]…`);
  const report = join(dir, "report.xml");
  const run = await koreo("test", dir, "--junit", report);
  clean(run);
  assert.equal(run.code, 2);
  assert.match(run.stderr, new RegExp(`^${path}:6:134: error: nesting deeper than 128 levels`, "m"));
  assert.equal(run.stdout, "");
  assert.equal(await exists(report), false, "nothing written");
});

test("CLI-11 10,000-deep block nesting (`- - - …`) is the same clear nesting error", async () => {
  const { dir, path } = await file("block.k.yaml", `${HEAD}\n      ${"- ".repeat(10_000)}x\n`);
  const run = await koreo("validate", dir);
  clean(run);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, `${path}:7:259: error: nesting deeper than 128 levels at spec.return.a[0][0][0][0][0]…`);
});

test("FT-34 a file that is not valid UTF-8 is refused at the file:line:col of the first bad byte", async () => {
  const bytes = Buffer.concat([Buffer.from("apiVersion: koreo.dev/v1beta1\nkind: ValueFunction\nmetadata:\n  name: caf"), Buffer.from([0xe9, 0x0a])]);
  const { dir, path } = await file("latin1.k.yaml", bytes);
  const validate = await koreo("validate", dir);
  clean(validate);
  assert.equal(validate.code, 1);
  assert.equal(validate.stdout, `${path}:4:12: error: not valid UTF-8 (byte 0xE9); save the file as UTF-8`);
  const run = await koreo("test", dir);
  assert.equal(run.code, 2);
  assert.match(run.stderr, new RegExp(`^${path}:4:12: error: not valid UTF-8`, "m"));
});

test("CLI-11 language-specific and local YAML tags (!!python/object, !!python/name, !tag) are refused at file:line:col, as by a safe loader", async () => {
  const text = `${HEAD}!!python/object:foo.Bar {x: 1}\n    b: !!python/name:os.system ''\n    c: !Secret token\n`;
  const { dir, path } = await file("tags.k.yaml", text);
  const run = await koreo("validate", dir);
  clean(run);
  assert.equal(run.code, 1);
  assert.deepEqual(
    run.stdout.split("\n").map((l) => l.split(" is not allowed")[0]),
    [
      `${path}:6:8: error: ValueFunction/deep: YAML tag '!!python/object:foo.Bar'`,
      `${path}:7:8: error: ValueFunction/deep: YAML tag '!!python/name:os.system'`,
      `${path}:8:8: error: ValueFunction/deep: YAML tag '!Secret'`,
    ],
  );
});

test("FT-34 koreo render refuses a trigger or cluster file with a language-specific tag, naming file:line:col and printing no pass", async () => {
  const { dir, path } = await file(
    "trigger.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  run: !!python/object/apply:os.system [ls]\n",
  );
  const trigger = await koreo("render", "examples/functions", "--trigger", path);
  clean(trigger);
  assert.equal(trigger.code, 2);
  assert.equal(trigger.stdout, "");
  assert.match(trigger.stderr, new RegExp(`^${path}:6:8: error: YAML tag '!!python/object/apply:os.system' is not allowed`));
  const deep = join(dir, "cluster.yaml");
  await writeFile(deep, `a: ${"{a: ".repeat(10_000)}1${"}".repeat(10_000)}\n`);
  const cluster = await koreo(
    "render",
    "examples/crds",
    "examples/functions",
    "examples/workflow/webapp.k.yaml",
    "--trigger",
    "examples/workflow/shop.webapp.yaml",
    "--cluster",
    deep,
  );
  clean(cluster);
  assert.equal(cluster.code, 2);
  assert.equal(cluster.stdout, "");
  assert.match(cluster.stderr, new RegExp(`^${deep}:1:\\d+: error: nesting deeper than 128 levels`));
});

test("CLI-12 / CLI-11 a path holding no Koreo definitions says so and exits 1", async () => {
  const dir = await mkdtemp(join(tmpdir(), "koreo-empty-"));
  await mkdir(join(dir, "docs"));
  await writeFile(join(dir, "docs", "notes.yaml"), "title: not Koreo\n");
  const run = await koreo("test", join(dir, "docs"));
  assert.equal(run.code, 1);
  assert.equal(run.stderr, `koreo test: error: no Koreo definitions found in ${join(dir, "docs")}`);
  assert.equal(lastLine(run.stdout), "0 passed, 0 failed");
  const validate = await koreo("validate", join(dir, "docs"));
  assert.equal(validate.code, 1);
  assert.deepEqual(validate.stdout.split("\n"), [
    `${join(dir, "docs", "notes.yaml")}:1:1: info: a document without a kind is not a Koreo Resource; skipped.`,
    `error: no Koreo definitions found in ${join(dir, "docs")}`,
  ]);
  const missing = await koreo("test", join(dir, "nope"));
  assert.equal(missing.code, 2, "a path that does not exist is an error, not an empty path");
  assert.match(missing.stderr, /nope:1:1: error: cannot read/);
});

test("FT-33 koreo test at the repository root (no path, or .) skips the deliberately broken fixtures listed in .koreoignore", async () => {
  for (const args of [[], ["."]]) {
    const run = await koreo("test", ...args);
    assert.equal(run.code, 0, `${args.join(" ")}\n${run.stderr}`);
    assert.doesNotMatch(`${run.stdout}\n${run.stderr}`, /test\/fixtures/);
    assert.match(run.stdout, /^PASS webapp-deployment-test /m);
    assert.match(lastLine(run.stdout), /^\d+ passed, 0 failed$/);
  }
  const validate = await koreo("validate");
  assert.equal(
    validate.code,
    0,
    validate.stdout
      .split("\n")
      .filter((l) => !l.includes(": info: "))
      .join("\n"),
  );
  assert.doesNotMatch(validate.stdout, /fixtures\//);
  assert.deepEqual(
    validate.stdout.split("\n").filter((l) => !l.includes(": info: ")),
    [],
    "only info lines",
  );
});
