/**
 * Conformance: the Koreo authors' own published programs (koreo-core `examples/`, the
 * koreo-dev/examples repository, programs from the koreo.dev documentation), copied
 * verbatim under test/fixtures/published/ (provenance in SOURCES.md), must give the
 * reference's FunctionTest verdicts, case by case (FT-30, CLI-12).
 *
 * The verdict table test/fixtures/published/expected.json was written from the
 * reference's semantics (each program read case by case; SOURCES.md records every case
 * where the reference itself fails), never from our own output.
 *
 * Verdicts: "pass" | "fail"; "skip" — `skip: true`, reported passed with `user skipped`
 * (FT-16); "not-run" — a case after a failing non-variant case, which the reference does
 * not run (FT-17).
 *
 * Each "unit" is one program as its authors lay it out: the paths loaded together, as
 * `koreo test PATH…` would. The verdicts come from the same pipeline as `koreo test`
 * (loadPaths → loadRegistry(KOREO_PREPARERS) → runAllTests); the CLI itself is run too
 * (through the in-process helper of the CLI tests) and must load the unit and agree with the runner.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { formatProblem, loadPaths, loadRegistry } from "../../src/definitions/index.ts";
import { KOREO_PREPARERS } from "../../src/program/index.ts";
import { runAllTests, type TestRun } from "../../src/function-test/index.ts";
import { paletteFor } from "../../src/cli/report/colour.ts";
import { textReport } from "../../src/cli/report/text.ts";
import { koreo } from "../support/cli.ts";

const ROOT = join("test", "fixtures", "published");

type Verdict = "pass" | "fail" | "skip" | "not-run";
/** file (relative to ROOT) → FunctionTest name → "<1-based index>: <label as reported>" → verdict */
type VerdictTable = Record<string, Record<string, Record<string, Verdict>>>;

const EXPECTED = JSON.parse(readFileSync(join(ROOT, "expected.json"), "utf8")) as VerdictTable;

/**
 * The programs, as loaded together. Paths are relative to ROOT. Some programs of the
 * koreo-dev/examples repository reach files that the source index stores under the
 * repository's older layout (identical content is stored once); see SOURCES.md.
 */
const UNITS: Readonly<Record<string, readonly string[]>> = {
  "koreo-core/examples": ["koreo-core/examples"],
  "examples/kubernetes/hello-koreo": ["examples/kubernetes/hello-koreo", "examples/hello-world"],
  "examples/kubernetes/hello-service": ["examples/kubernetes/hello-service", "examples/hello-service"],
  "examples/kubernetes/hello-workload": ["examples/kubernetes/hello-workload", "examples/hello-workload"],
  "examples/kubernetes/service-account": ["examples/kubernetes/service-account"],
  "examples/aws/lambda-workload": ["examples/aws/lambda-workload", "examples/aws/bucket-factory.koreo", "examples/aws/src/lambda.koreo"],
  "examples/aws/vpc": ["examples/aws/vpc"],
  "examples/gcp/vpc": ["examples/gcp/vpc"],
  "examples/gcp/environment": ["examples/gcp/environment"],
  "examples/gcp/external-k8s": ["examples/gcp/external-k8s", "examples/gcp/environment/metadata.k.yaml", "examples/gcp/environment/network.k.yaml"],
  "examples/gcp/federated-gke": ["examples/gcp/federated-gke"],
  "koreo.dev/docs/value-function": ["koreo.dev/docs/value-function"],
  "koreo.dev/docs/resource-function": ["koreo.dev/docs/resource-function"],
  "koreo.dev/docs/resource-template": ["koreo.dev/docs/resource-template"],
  "koreo.dev/docs/function-test": ["koreo.dev/docs/function-test"],
  "koreo.dev/examples": ["koreo.dev/examples"],
};

const PLAIN = paletteFor(false, {});

/** POSIX-style path relative to ROOT, the key format of expected.json. */
function fixturePath(file: string): string {
  return relative(ROOT, file).split(sep).join("/");
}

function inUnit(file: string, paths: readonly string[]): boolean {
  return paths.some((p) => file === p || file.startsWith(`${p}/`));
}

function caseKey(index: number, label: string): string {
  return `${index + 1}: ${label}`;
}

/** Our verdicts for one FunctionTest, keyed like expected.json, in case order. */
function verdictsOf(run: TestRun): Record<string, Verdict> {
  const out: Record<string, Verdict> = {};
  const { cases, notRun } = run.result;
  cases.forEach((c, i) => {
    out[caseKey(i, c.label)] = c.skipped ? "skip" : c.passed ? "pass" : "fail";
  });
  notRun.forEach((label, i) => {
    out[caseKey(cases.length + i, label)] = "not-run";
  });
  return out;
}

interface UnitRun {
  /** Definition errors that make `koreo test` refuse the unit (exit 2). */
  readonly loadErrors: string[];
  /** Preparation problems (not fatal for `koreo test`), shown as diagnostics. */
  readonly prepareProblems: string[];
  readonly runs: TestRun[];
  readonly byKey: Map<string, TestRun>;
  readonly cli: { readonly code: number; readonly stdout: string; readonly stderr: string };
}

async function runUnit(paths: readonly string[]): Promise<UnitRun> {
  const full = paths.map((p) => join(ROOT, p));
  const loaded = await loadPaths(full);
  const loadErrors = loaded.problems.filter((p) => p.severity === "error").map(formatProblem);
  const { registry, problems } = loadRegistry(loaded, KOREO_PREPARERS);
  const runs = await runAllTests(registry);
  const byKey = new Map<string, TestRun>();
  for (const run of runs) {
    const file = run.definition.source?.file;
    byKey.set(`${file === undefined ? "?" : fixturePath(file)}#${run.result.name}`, run);
  }
  const cli = await koreo("test", ...full, "--json");
  return { loadErrors, prepareProblems: problems.map(formatProblem), runs, byKey, cli };
}

interface CliTest {
  readonly name: string;
  readonly passed: boolean;
  readonly cases: ReadonlyArray<{ readonly label: string; readonly passed: boolean; readonly skipped: boolean }>;
}

for (const [unit, paths] of Object.entries(UNITS)) {
  const expectedFiles = Object.keys(EXPECTED).filter((file) => inUnit(file, paths));

  describe(`published programs: ${unit}`, () => {
    let result: UnitRun;
    before(async () => {
      result = await runUnit(paths);
    });

    test("koreo test loads the unit: no definition errors (non-Koreo documents are skipped)", (t) => {
      for (const p of result.prepareProblems) t.diagnostic(`prepare: ${p}`);
      assert.deepEqual(result.loadErrors, [], `definition errors:\n${result.loadErrors.join("\n")}`);
      assert.notEqual(result.cli.code, 2, `koreo test exited 2:\n${result.cli.stderr}`);
    });

    test("koreo test --json reports the same verdicts as the runner", () => {
      assert.notEqual(result.cli.code, 2, `koreo test refused the unit:\n${result.cli.stderr}`);
      const doc = JSON.parse(result.cli.stdout) as { tests: CliTest[] };
      const fromCli = doc.tests.map((x) => ({ name: x.name, passed: x.passed, cases: x.cases.map((c) => [c.label, c.passed, c.skipped]) }));
      const fromRunner = result.runs.map(({ result: r }) => ({ name: r.name, passed: r.passed, cases: r.cases.map((c) => [c.label, c.passed, c.skipped]) }));
      assert.deepEqual(fromCli, fromRunner);
    });

    for (const file of expectedFiles) {
      const tests = EXPECTED[file] ?? {};
      if (Object.keys(tests).length === 0) {
        test(`${file}: contributes no FunctionTest (its documents are not koreo.dev/v1beta1)`, () => {
          const found = result.runs.filter((r) => r.definition.source !== undefined && fixturePath(r.definition.source.file) === file);
          assert.deepEqual(
            found.map((r) => r.result.name),
            [],
          );
        });
        continue;
      }
      for (const [name, expected] of Object.entries(tests)) {
        test(`${file}: ${name}`, () => {
          const run = result.byKey.get(`${file}#${name}`);
          assert.ok(run !== undefined, `FunctionTest '${name}' was not found in ${file}; definition errors:\n${result.loadErrors.join("\n")}`);
          const actual = verdictsOf(run);
          const mismatches = Object.keys({ ...expected, ...actual })
            .filter((key) => expected[key] !== actual[key])
            .map((key) => `  ${key}: expected ${expected[key] ?? "(no such case)"}, got ${actual[key] ?? "(no such case)"}`);
          assert.deepEqual(actual, expected, `verdicts differ from the reference:\n${mismatches.join("\n")}\n\n${textReport([run], PLAIN)}`);
        });
      }
    }

    test("every FunctionTest that ran is in the verdict table", () => {
      const unexpected = result.runs
        .map((r) => `${r.definition.source === undefined ? "?" : fixturePath(r.definition.source.file)}#${r.result.name}`)
        .filter((key) => {
          const [file = "", name = ""] = key.split("#");
          return EXPECTED[file]?.[name] === undefined;
        });
      assert.deepEqual(unexpected, []);
    });
  });
}
