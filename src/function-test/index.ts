/**
 * FunctionTest: prepare and run against a one-slot simulated cluster.
 * May import: cluster (port), definitions, expressions, logic, outcome, value.
 */
/**
 * @module function-test — FunctionTest prepare and run against its own one-slot ClusterApi (function-test.md Part 1).
 * Imports: definitions (types, problems), logic, expressions, outcome, value. No I/O.
 */
export { prepareFunctionTest } from "./prepare.ts";
export { runFunctionTest, runTestEntry } from "./run.ts";
export { runAllTests, type RunOptions, type TestRun, type TestSource } from "./run-all.ts";
export { compareValues, type Difference, type DifferenceKind } from "./compare.ts";
export { createTestCluster, type TestCluster } from "./test-cluster.ts";
export type { CaseResult, Expectation, ExpectedOutcome, FunctionTestResult, PreparedFunctionTest, PreparedTestCase } from "./types.ts";
