/**
 * FT-33: runs every FunctionTest of a prepared program in load order, each in
 * isolation (FT-32), optionally filtered by name and stopping at the first
 * failing test (`--bail`).
 */
import type { Definition } from "../definitions/definition.ts";
import type { PreparedProgram } from "./program.ts";
import { runTestEntry } from "./run.ts";
import type { FunctionTestResult } from "./types.ts";

export interface TestRun {
  readonly definition: Definition;
  readonly result: FunctionTestResult;
}

export interface RunOptions {
  /** Substring of the test name (`-t/--filter`). */
  readonly filter?: string;
  readonly bail?: boolean;
}

export async function runAllTests(program: PreparedProgram, options: RunOptions = {}): Promise<TestRun[]> {
  const runs: TestRun[] = [];
  for (const entry of program.entries) {
    if (entry.definition.kind !== "FunctionTest") continue;
    if (options.filter !== undefined && !entry.definition.name.includes(options.filter)) continue;
    const result = await runTestEntry(entry, program);
    runs.push({ definition: entry.definition, result });
    if (options.bail === true && !result.passed) break;
  }
  return runs;
}
