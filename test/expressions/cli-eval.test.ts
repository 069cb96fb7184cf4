import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function koreo(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/koreo.mjs", "eval", ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

test("EXPR-2 koreo eval prints the JSON result; the leading = is optional", () => {
  assert.deepEqual(koreo("=1 + 2"), { code: 0, out: "3", err: "" });
  assert.equal(koreo("[1, 'a', {'k': true}]").out, '[1,"a",{"k":true}]');
});

test("EXPR-60 koreo eval --inputs keeps ints exact and apart from doubles", () => {
  assert.equal(koreo("inputs.big + 1", "--inputs", "{inputs: {big: 9007199254740993}}").out, "9007199254740994");
  assert.equal(koreo("type(inputs.a) == double && type(inputs.b) == int", "--inputs", '{"inputs": {"a": 1.0, "b": 1}}').out, "true");
  const dir = mkdtempSync(join(tmpdir(), "koreo-eval-"));
  const file = join(dir, "in.yaml");
  writeFileSync(file, "resource:\n  metadata: {name: web}\n");
  assert.equal(koreo("resource.metadata.name.upperAscii()", "--inputs", `@${file}`).code, 1);
  assert.equal(koreo("resource.metadata.name", "--inputs", `@${file}`).out, '"web"');
});

test("EXPR-70 koreo eval reports errors on stderr with exit 1, usage errors with exit 2", () => {
  const r = koreo("1/0");
  assert.equal(r.code, 1);
  assert.match(r.err, /^Error evaluating/);
  assert.equal(koreo().code, 2);
  assert.equal(koreo("1", "--inputs", "[1]").code, 2);
  assert.equal(koreo("--help").code, 0);
});
