/** Counts behind the summary lines (CLI-12): tests, and cases. */
import type { TestRun } from "../../function-test/index.ts";

export interface TestSummary {
  readonly passed: number;
  readonly failed: number;
  readonly cases: { readonly passed: number; readonly failed: number; readonly skipped: number; readonly notRun: number };
}

export function summarize(runs: readonly TestRun[]): TestSummary {
  const cases = { passed: 0, failed: 0, skipped: 0, notRun: 0 };
  for (const { result } of runs) {
    for (const c of result.cases) {
      if (c.skipped) cases.skipped++;
      else if (c.passed) cases.passed++;
      else cases.failed++;
    }
    cases.notRun += result.notRun.length;
  }
  const passed = runs.filter((r) => r.result.passed).length;
  return { passed, failed: runs.length - passed, cases };
}
