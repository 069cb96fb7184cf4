/**
 * `koreo prune` when a ResourceFunction picks its template with an expression. Its own API
 * server: the rule holds for the whole cluster, so it would change every other prune test.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { clusterHarness, FIXTURES, lines, type ClusterHarness } from "../support/cli-cluster.ts";

let h: ClusterHarness;

before(async () => {
  h = await clusterHarness();
  const crds = await h.koreo("apply", "--include-crds", "infra/crds");
  assert.equal(crds.code, 0, crds.stderr);
  const applied = await h.koreo("apply", "-n", "prune-expr", "--create-namespaces", join(FIXTURES, "prune", "expression-template"));
  assert.equal(applied.code, 0, applied.stderr);
});
after(() => h.close());

const rtMaybe = { apiVersion: "koreo.dev/v1beta1", kind: "ResourceTemplate", namespace: "prune-expr", name: "rt-maybe" };

test("CLI-3 an expression resourceTemplateRef name cannot be resolved statically: no template is pruned, a note says why", async () => {
  const run = await h.koreo("prune", "-n", "prune-expr", "--yes");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(lines(run.stdout), [
    "Note: ResourceTemplates are not pruned: ResourceFunction prune-expr/rf-dynamic chooses its template with an expression (=inputs.template), which cannot be resolved before it runs",
    "Deleting orphaned valuefunctions: prune-expr/vf-unused",
  ]);
  assert.ok(await h.read(rtMaybe), "the unnamed template is kept");
});

test("CLI-3 -v shows the template kept for the expression's sake", async () => {
  const run = await h.koreo("prune", "-n", "prune-expr", "-v");
  assert.equal(run.code, 0, run.stderr);
  assert.ok(
    lines(run.stdout).includes("Kept resourcetemplates: prune-expr/rt-maybe (may be chosen by ResourceFunction prune-expr/rf-dynamic's template expression)"),
    run.stdout,
  );
});
