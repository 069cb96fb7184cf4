/**
 * FT-33: runs every FunctionTest of a prepared set of definitions, each in
 * isolation (FT-32), optionally filtered by name and stopping at the first
 * failing test (`--bail`).
 */
import type { Definition, DefinitionLookup, RegistryEntry } from "../definitions/index.ts";
import { runTestEntry } from "./run.ts";
import type { FunctionTestResult, PreparedFunctionTest } from "./types.ts";

export interface TestRun {
  readonly definition: Definition;
  readonly result: FunctionTestResult;
}

/** A prepared set of definitions (the definitions registry satisfies it). */
export interface TestSource extends DefinitionLookup {
  entries(kind: "FunctionTest"): Iterable<RegistryEntry<PreparedFunctionTest>>;
}

export interface RunOptions {
  /** Substring of the test name (`-t/--filter`). */
  readonly filter?: string;
  readonly bail?: boolean;
}

export async function runAllTests(source: TestSource, options: RunOptions = {}): Promise<TestRun[]> {
  const runs: TestRun[] = [];
  for (const entry of source.entries("FunctionTest")) {
    if (options.filter !== undefined && !entry.definition.name.includes(options.filter)) continue;
    const result = await runTestEntry(entry, source);
    runs.push({ definition: entry.definition, result });
    if (options.bail === true && !result.passed) break;
  }
  return runs;
}
