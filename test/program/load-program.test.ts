import assert from "node:assert/strict";
import { test } from "node:test";
import { loadProgram } from "../../src/program/index.ts";
import type { PreparedWorkflow } from "../../src/workflow/index.ts";

test("CTL-1 loadProgram prepares every kind of the examples, Workflows included, without errors", async () => {
  const program = await loadProgram(["examples/crds", "examples/functions", "examples/tests", "examples/workflow/webapp.k.yaml"]);
  assert.deepEqual(
    program.problems.filter((p) => p.severity === "error"),
    [],
  );
  const entry = program.registry.get("Workflow", "webapp");
  assert.ok(entry?.prepared.ok);
  assert.equal((entry.prepared.value as PreparedWorkflow).stepsReady.kind, "Ok");
  assert.ok([...program.registry.entries("FunctionTest")].length > 0);
  assert.ok(program.foreign.some((f) => f.kind === "CustomResourceDefinition"));
});

test("WF-9 loadProgram reports a Workflow's step errors with file, line and field path", async () => {
  const program = await loadProgram(["test/program/fixtures/bad-order.k.yaml"]);
  const [problem] = program.problems;
  assert.equal(problem?.path, "spec.steps[0]");
  assert.equal(problem?.file, "test/program/fixtures/bad-order.k.yaml");
  assert.equal(problem?.message, "Step 'first', must come after second.");
  assert.ok((problem?.line ?? 0) >= 8);
});
