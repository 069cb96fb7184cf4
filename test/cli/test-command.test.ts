import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { koreo, lastLine } from "../support/cli.ts";

const FAILING = "test/fixtures/function-tests/failing";

test("CLI-12 koreo test examples/ passes, one line per test and case, last line the summary", async () => {
  const run = await koreo("test", "examples/");
  assert.equal(run.code, 0, run.stdout);
  assert.match(run.stdout, /^PASS webapp-deployment-test \(examples\/tests\/webapp-deployment\.test\.k\.yaml:3\)$/m);
  assert.match(run.stdout, /^ {2}✓ the first reconcile|^ {2}✓ \[variant\] the first reconcile creates the Deployment$/m);
  assert.match(run.stdout, /^ {2}- "?parked: label changes should recreate too \(not decided yet\)"? \(skipped\)$/m);
  assert.match(lastLine(run.stdout), /^\d+ passed, 0 failed$/);
});

test("CLI-12 a failing fixture exits 1 and names each failing case with a field-path diff", async () => {
  const run = await koreo("test", FAILING);
  assert.equal(run.code, 1);
  const out = run.stdout;
  assert.match(out, /^FAIL wrong-replicas \(test\/fixtures\/function-tests\/failing\/failing\.test\.k\.yaml:2\)$/m);
  assert.match(out, /^ {2}✗ creates with three replicas$/m);
  assert.match(out, /^ {6}expected: expectResource$/m);
  assert.match(out, /^ {6}actual outcome: Retry\(delay=30, message=Creating Deployment:fixtures:web\.\)$/m);
  assert.match(out, /^ {6}spec\.replicas: expected 3, got 2$/m);
  assert.match(out, /^ {6}spec\.minReadySeconds: missing \(expected 10\)$/m);
  assert.match(out, /^ {6}spec\.paused: unexpected key \(got false\)$/m);
  assert.match(out, /^ {2}· never reached \(not run\)$/m, "FT-17: cases after a failing non-variant case are not run");
  assert.match(out, /^ {6}greeting: expected "hello, world", got "hello world"$/m);
  assert.match(out, /^ {6}PermFail: Expected\(message=name is required\) Actual\(message=name must not be empty\)$/m);
  assert.match(out, /^ {2}- a skipped case \(skipped\)$/m);
  assert.match(out, /^FAIL missing-function .*\n {2}error: ValueFunction \(not-there\) not found or not ready, FunctionTest 'missing-function' must wait\.$/m);
  assert.match(out, /^PASS passing-one /m);
  assert.equal(lastLine(out), "1 passed, 3 failed");
});

test("CLI-12 / FT-33 -t/--filter limits the tests by name substring", async () => {
  const run = await koreo("test", FAILING, "-t", "passing");
  assert.equal(run.code, 0);
  assert.equal(lastLine(run.stdout), "1 passed, 0 failed");
  const long = await koreo("test", FAILING, "--filter", "greeting");
  assert.equal(lastLine(long.stdout), "0 passed, 1 failed");
});

test("CLI-12 --bail stops after the first failing test", async () => {
  const run = await koreo("test", FAILING, "--bail");
  assert.equal(run.code, 1);
  assert.equal(lastLine(run.stdout), "0 passed, 1 failed");
});

test("CLI-12 --json prints only the JSON document of the fixed shape", async () => {
  const run = await koreo("test", FAILING, "--json");
  assert.equal(run.code, 1);
  const doc = JSON.parse(run.stdout) as { tests: Array<Record<string, unknown> & { cases: Array<Record<string, unknown>> }> };
  assert.deepEqual(Object.keys(doc), ["tests"]);
  assert.deepEqual(
    doc.tests.map((t) => Object.keys(t)),
    Array(4).fill(["name", "passed", "error", "cases"]),
  );
  assert.deepEqual(Object.keys(doc.tests[0]?.cases[0] ?? {}), ["label", "passed", "skipped", "message"]);
  assert.deepEqual(doc.tests[2], {
    name: "missing-function",
    passed: false,
    error: "ValueFunction (not-there) not found or not ready, FunctionTest 'missing-function' must wait.",
    cases: [],
  });
  assert.deepEqual(doc.tests[1]?.cases[2], { label: "a skipped case", passed: true, skipped: true, message: "user skipped" });
  const same = await koreo("test", FAILING, "--format", "json");
  assert.equal(same.stdout, run.stdout);
});

test("CLI-12 --junit writes JUnit XML beside the text report; --format junit prints it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "koreo-junit-"));
  const file = join(dir, "report.xml");
  const run = await koreo("test", FAILING, "--junit", file);
  assert.equal(lastLine(run.stdout), "1 passed, 3 failed");
  const xml = await readFile(file, "utf8");
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  assert.match(xml, /<testsuite name="wrong-replicas" tests="2" failures="1" skipped="1"/);
  assert.match(
    xml,
    /<testcase name="creates with three replicas" classname="wrong-replicas"><failure message="differences found">expected: expectResource\nspec\.replicas: expected 3, got 2/,
  );
  assert.match(xml, /<testcase name="\(definition\)" classname="missing-function"><error message="ValueFunction \(not-there\)/);
  const printed = await koreo("test", FAILING, "--format", "junit");
  assert.equal(printed.stdout.trim(), xml.trim());
});

test("CLI-12 / CLI-16 usage errors exit 2 on stderr; --help exits 0", async () => {
  const bad = await koreo("test", "--format", "yaml");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown format 'yaml'/);
  const unknown = await koreo("test", "--nope");
  assert.equal(unknown.code, 2);
  const help = await koreo("test", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: koreo test/);
});

test("CLI-12 definitions that cannot be loaded exit 2 and run nothing", async () => {
  const dir = await mkdtemp(join(tmpdir(), "koreo-broken-"));
  await writeFile(join(dir, "bad.k.yaml"), "kind: [\n");
  const run = await koreo("test", dir);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /bad\.k\.yaml:\d+:\d+: error: /);
});

test("CLI-12 zero tests found prints a warning and exits 0", async () => {
  const run = await koreo("test", "examples/functions");
  assert.equal(run.code, 0);
  assert.match(run.stderr, /warning: no FunctionTests found/);
  assert.equal(lastLine(run.stdout), "0 passed, 0 failed");
});

test("FT-34 non-Koreo documents (CRDs) in the paths are skipped, not errors", async () => {
  const run = await koreo("test", "examples/crds", "examples/functions", "examples/tests/webapp-config.test.k.yaml");
  assert.equal(run.code, 0, run.stderr);
});

test("CLI-16 colour only on a TTY, and NO_COLOR wins", async () => {
  const { paletteFor } = await import("../../src/cli/report/colour.ts");
  assert.equal(paletteFor(false, {}).red("x"), "x");
  assert.equal(paletteFor(true, { NO_COLOR: "1" }).red("x"), "x");
  assert.equal(paletteFor(true, {}).red("x"), "\u001b[31mx\u001b[0m");
  const run = await koreo("test", FAILING);
  assert.doesNotMatch(run.stdout, /\u001b\[/, "captured output is not a TTY");
});
