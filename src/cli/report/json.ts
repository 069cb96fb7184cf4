/** `koreo test --format json` (CLI-12): exactly `{"tests":[{name, passed, error, cases:[{label, passed, skipped, message}]}]}`. */
import type { TestRun } from "../../function-test/index.ts";

export function jsonReport(runs: readonly TestRun[]): string {
  const tests = runs.map(({ result }) => ({
    name: result.name,
    passed: result.passed,
    error: result.error,
    cases: result.cases.map((c) => ({ label: c.label, passed: c.passed, skipped: c.skipped, message: c.message })),
  }));
  return JSON.stringify({ tests }, null, 2);
}
