/** `koreo prune` end to end: definitions applied to the embedded API server, `node bin/koreo.mjs prune …` spawned against it. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { clusterHarness, FIXTURES, lines, type ClusterHarness } from "../support/cli-cluster.ts";

let h: ClusterHarness;
const PROGRAM = join(FIXTURES, "prune", "program");
const CROSS = join(FIXTURES, "prune", "cross-namespace");

const ORPHAN_LINES = (ns: string, verb: string) => [
  `${verb} resourcefunctions: ${ns}/rf-orphan`,
  `${verb} resourcetemplates: ${ns}/rt-orphan`,
  `${verb} valuefunctions: ${ns}/vf-orphan`,
];

before(async () => {
  h = await clusterHarness();
  const crds = await h.koreo("apply", "--include-crds", "infra/crds");
  assert.equal(crds.code, 0, crds.stderr);
});
after(() => h.close());

async function applyProgram(namespace: string): Promise<void> {
  const applied = await h.koreo("apply", "-n", namespace, "--create-namespaces", PROGRAM);
  assert.equal(applied.code, 0, applied.stderr);
}

const koreoRef = (kind: string, namespace: string, name: string) => ({ apiVersion: "koreo.dev/v1beta1", kind, namespace, name });

test("CLI-3 / CLI-16 without --yes the orphans are listed, sorted, and nothing is deleted (dry run is the default)", async () => {
  await applyProgram("prune-list");
  const run = await h.koreo("prune", "-n", "prune-list");
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  assert.deepEqual(lines(run.stdout), [
    ...ORPHAN_LINES("prune-list", "Orphaned"),
    "Dry run: 3 orphaned definition(s) listed; run again with --yes to delete them.",
  ]);
  assert.ok(await h.read(koreoRef("ValueFunction", "prune-list", "vf-orphan")));
  assert.ok(await h.read(koreoRef("ResourceFunction", "prune-list", "rf-orphan")));
  assert.ok(await h.read(koreoRef("ResourceTemplate", "prune-list", "rt-orphan")));
});

test("CLI-3 with --yes the orphans are deleted and everything used stays", async () => {
  await applyProgram("prune-yes");
  const run = await h.koreo("prune", "-n", "prune-yes", "--yes");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(lines(run.stdout), ORPHAN_LINES("prune-yes", "Deleting orphaned"));
  assert.equal(await h.read(koreoRef("ValueFunction", "prune-yes", "vf-orphan")), undefined);
  assert.equal(await h.read(koreoRef("ResourceFunction", "prune-yes", "rf-orphan")), undefined);
  assert.equal(await h.read(koreoRef("ResourceTemplate", "prune-yes", "rt-orphan")), undefined);
  for (const name of ["vf-direct", "vf-case-a", "vf-sub-only", "vf-overlay-only", "vf-test-only"]) {
    assert.ok(await h.read(koreoRef("ValueFunction", "prune-yes", name)), name);
  }
  assert.ok(await h.read(koreoRef("ResourceFunction", "prune-yes", "rf-case-b")));
  assert.ok(await h.read(koreoRef("ResourceTemplate", "prune-yes", "rt-used")));
  const again = await h.koreo("prune", "-n", "prune-yes");
  assert.deepEqual(lines(again.stdout), [], "nothing left to prune");
});

test("CLI-3 -v names what keeps each definition: a sub-Workflow's step, a refSwitch case, an overlayRef, a constant resourceTemplateRef, a FunctionTest", async () => {
  await applyProgram("prune-why");
  const run = await h.koreo("prune", "-n", "prune-why", "-v");
  assert.equal(run.code, 0, run.stderr);
  const kept = lines(run.stdout).filter((l) => l.startsWith("Kept "));
  assert.deepEqual(kept, [
    "Kept resourcefunctions: prune-why/rf-case-b (used by Workflow prune-why/wf-main)",
    "Kept resourcetemplates: prune-why/rt-used (used by ResourceFunction prune-why/rf-case-b)",
    "Kept valuefunctions: prune-why/vf-case-a (used by Workflow prune-why/wf-main)",
    "Kept valuefunctions: prune-why/vf-direct (used by Workflow prune-why/wf-main)",
    "Kept valuefunctions: prune-why/vf-overlay-only (used by ResourceFunction prune-why/rf-case-b)",
    "Kept valuefunctions: prune-why/vf-sub-only (used by Workflow prune-why/wf-sub)",
    "Kept valuefunctions: prune-why/vf-test-only (used by FunctionTest prune-why/ft-only)",
  ]);
});

test("CLI-3 references resolve by name across namespaces, as in the engine: a Workflow elsewhere keeps a function", async () => {
  const applied = await h.koreo("apply", "--create-namespaces", CROSS);
  assert.equal(applied.code, 0, applied.stderr);
  const run = await h.koreo("prune", "-n", "prune-cross-defs");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(lines(run.stdout), [
    "Orphaned valuefunctions: prune-cross-defs/vf-lonely",
    "Dry run: 1 orphaned definition(s) listed; run again with --yes to delete them.",
  ]);
});

test("CLI-3 --all-namespaces lists the orphans of every namespace", async () => {
  await applyProgram("prune-all");
  const cross = await h.koreo("apply", "--create-namespaces", CROSS);
  assert.equal(cross.code, 0, cross.stderr);
  const run = await h.koreo("prune", "--all-namespaces");
  assert.equal(run.code, 0, run.stderr);
  const orphans = lines(run.stdout).filter((l) => l.startsWith("Orphaned "));
  assert.ok(orphans.includes("Orphaned valuefunctions: prune-cross-defs/vf-lonely"), orphans.join("\n"));
  assert.ok(orphans.includes("Orphaned valuefunctions: prune-all/vf-orphan"), orphans.join("\n"));
  assert.ok(!orphans.some((l) => l.includes("vf-shared") || l.includes("vf-test-only")), orphans.join("\n"));
});

test("CLI-3 / CLI-16 --help says tests count as users and dry run is the default; usage errors exit 2 on stderr", async () => {
  const help = await h.koreo("prune", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /tests count\s+as users/);
  assert.match(help.stdout, /Nothing is deleted unless\s+--yes/);
  const both = await h.koreo("prune", "-n", "x", "--all-namespaces");
  assert.equal(both.code, 2);
  assert.equal(both.stdout, "");
  assert.match(both.stderr, /--namespace and --all-namespaces cannot be used together/);
  const extra = await h.koreo("prune", "leftover");
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /unexpected argument 'leftover'/);
});
