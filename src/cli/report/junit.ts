/**
 * `koreo test --format junit` / `--junit FILE` (CLI-12): one <testsuite> per
 * FunctionTest, one <testcase> per case. A definition error is a single <error>
 * case; cases not run after a stop are <skipped>.
 */
import type { CaseResult, TestRun } from "../../function-test/index.ts";
import { renderDifference } from "./differences.ts";
import { summarize } from "./test-summary.ts";

export function junitReport(runs: readonly TestRun[]): string {
  const { failed } = summarize(runs);
  const total = runs.reduce((n, r) => n + caseCount(r), 0);
  const suites = runs.map(suite);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="koreo test" tests="${total}" failures="${failed}">`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}

function caseCount({ result }: TestRun): number {
  return result.error !== null ? 1 : result.cases.length + result.notRun.length;
}

function suite(run: TestRun): string {
  const { result, definition } = run;
  const file = definition.source === undefined ? "" : ` file="${xml(definition.source.file)}"`;
  const failures = result.cases.filter((c) => !c.passed).length + (result.error !== null ? 1 : 0);
  const skipped = result.cases.filter((c) => c.skipped).length + result.notRun.length;
  const open = `  <testsuite name="${xml(result.name)}" tests="${caseCount(run)}" failures="${failures}" skipped="${skipped}"${file}>`;
  const body =
    result.error !== null
      ? [`    <testcase name="(definition)" classname="${xml(result.name)}"><error message="${xml(result.error)}"/></testcase>`]
      : [...result.cases.map((c) => testcase(result.name, c)), ...result.notRun.map((label) => notRun(result.name, label))];
  return [open, ...body, "  </testsuite>"].join("\n");
}

function testcase(suiteName: string, c: CaseResult): string {
  const head = `    <testcase name="${xml(c.label)}" classname="${xml(suiteName)}"`;
  if (c.skipped) return `${head}><skipped message="user skipped"/></testcase>`;
  if (c.passed) return `${head}/>`;
  const details = [c.expectation === undefined ? "" : `expected: ${c.expectation}`, ...c.differences.map(renderDifference)].filter((s) => s !== "");
  return `${head}><failure message="${xml(c.message ?? "differences found")}">${xml(details.join("\n"))}</failure></testcase>`;
}

function notRun(suiteName: string, label: string): string {
  return `    <testcase name="${xml(label)}" classname="${xml(suiteName)}"><skipped message="not run"/></testcase>`;
}

function xml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}
