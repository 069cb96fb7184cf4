/**
 * `koreo test` text report (CLI-12, FT-31 recommendation): a line per test and
 * per case; for each failure the expectation, what happened and the field-path
 * differences. The last line is always `N passed, M failed` (FunctionTests).
 */
import type { CaseResult, TestRun } from "../../function-test/index.ts";
import { renderOutcome } from "../../outcome/index.ts";
import { renderDifference } from "./differences.ts";
import type { Palette } from "./colour.ts";
import { summarize } from "./test-summary.ts";

const DETAIL = "      ";

export function textReport(runs: readonly TestRun[], palette: Palette): string {
  const lines = runs.flatMap((run) => testLines(run, palette));
  const { passed, failed, cases } = summarize(runs);
  lines.push("", palette.dim(`cases: ${cases.passed} passed, ${cases.failed} failed, ${cases.skipped} skipped, ${cases.notRun} not run`));
  lines.push(`${passed} passed, ${failed} failed`);
  return lines.join("\n");
}

function testLines({ definition, result }: TestRun, p: Palette): string[] {
  const where = definition.source === undefined ? "" : ` (${definition.source.file}:${definition.source.line})`;
  const lines = [`${result.passed ? p.green("PASS") : p.red("FAIL")} ${p.bold(result.name)}${where}`];
  if (result.error !== null) lines.push(`  ${p.red("error:")} ${result.error}`);
  for (const warning of result.warnings) lines.push(p.dim(`  warning: ${warning}`));
  for (const c of result.cases) lines.push(...caseLines(c, p));
  for (const label of result.notRun) lines.push(p.dim(`  · ${label} (not run)`));
  return lines;
}

function caseLines(c: CaseResult, p: Palette): string[] {
  if (c.skipped) return [p.dim(`  - ${c.label} (skipped)`)];
  if (c.passed) return [`  ${p.green("✓")} ${c.label}`];
  const lines = [`  ${p.red("✗")} ${c.label}`];
  if (c.expectation !== undefined) lines.push(`${DETAIL}expected: ${c.expectation}`);
  // An expectOutcome message already shows the actual outcome.
  if (c.outcome !== undefined && !c.expectation?.startsWith("expectOutcome")) lines.push(`${DETAIL}actual outcome: ${renderOutcome(c.outcome)}`);
  if (c.message !== null) lines.push(`${DETAIL}${c.message}`);
  for (const d of c.differences) lines.push(`${DETAIL}${p.red(renderDifference(d))}`);
  return lines;
}
