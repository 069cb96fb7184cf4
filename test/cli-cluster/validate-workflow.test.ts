/** `koreo validate` on Workflow graph errors: each one a line at the step (or steps list) that causes it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURES, lines, runKoreo } from "../support/cli-cluster.ts";

const DIR = join(FIXTURES, "workflow-errors");
const BAD = join(DIR, "wf-bad.k.yaml");
const CYCLE = join(DIR, "wf-cycle.k.yaml");

async function validate(path: string): Promise<string[]> {
  const run = await runKoreo(["validate", path], {});
  assert.equal(run.code, 1, "errors exit 1");
  assert.equal(run.stderr, "");
  return lines(run.stdout);
}

test("CLI-11 / WF-9 a step reading a later step, or an unknown label, is reported at that step's file:line", async () => {
  const out = await validate(BAD);
  assert.ok(out.includes(`${BAD}:9:7: error: Workflow koreo/wf-bad: spec.steps[0]: Step 'first', must come after second.`), out.join("\n"));
  assert.ok(out.includes(`${BAD}:19:7: error: Workflow koreo/wf-bad: spec.steps[4]: Step 'fifth', must come after nowhere.`), out.join("\n"));
});

test("CLI-11 / WF-6 a duplicate step label is reported at the second label", async () => {
  const out = await validate(BAD);
  assert.ok(
    out.includes(`${BAD}:15:7: error: Workflow koreo/wf-bad: spec.steps[2].label: Duplicate step-label (second) can not prepare Workflow.`),
    out.join("\n"),
  );
});

test("CLI-11 / WF-7 a step naming Logic that is not defined is reported at its ref", async () => {
  const out = await validate(BAD);
  assert.ok(
    out.includes(`${BAD}:18:7: error: Workflow koreo/wf-bad: spec.steps[3].ref: ValueFunction 'vf-missing' is not defined in the given paths`),
    out.join("\n"),
  );
});

test("CLI-11 / WF-32 a sub-Workflow reference cycle is reported on every Workflow in it, at spec.steps", async () => {
  assert.deepEqual(await validate(CYCLE), [
    `${CYCLE}:8:3: error: Workflow koreo/wf-cycle-a: spec.steps: Workflow reference cycle: wf-cycle-a -> wf-cycle-b -> wf-cycle-a.`,
    `${CYCLE}:18:3: error: Workflow koreo/wf-cycle-b: spec.steps: Workflow reference cycle: wf-cycle-b -> wf-cycle-a -> wf-cycle-b.`,
  ]);
});

test("CLI-11 the whole folder: exactly the Workflow graph errors, nothing about the well-formed ValueFunction", async () => {
  const out = await validate(DIR);
  assert.equal(out.length, 6, out.join("\n"));
  assert.ok(
    out.every((l) => l.includes(": error: Workflow koreo/wf-")),
    out.join("\n"),
  );
});
