import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KubeObject } from "../../src/cluster/cluster-api.ts";
import { isList, isMap, toJsonText } from "../../src/value/value.ts";
import { clusterHarness, FIXTURES, lines, type ClusterHarness } from "../support/cli-cluster.ts";

let h: ClusterHarness;
const PROGRAM = join(FIXTURES, "program");
const TEAM_A = join(FIXTURES, "team-a");
const INVALID = join(FIXTURES, "invalid");

before(async () => {
  h = await clusterHarness();
  // The Koreo CRDs, once for the whole file: every test below applies definitions of those kinds.
  const crds = await h.koreo("apply", "--include-crds", "infra/crds");
  assert.equal(crds.code, 0, crds.stderr);
});
after(() => h.close());

const vf = (namespace: string, name: string) => ({ apiVersion: "koreo.dev/v1beta1", kind: "ValueFunction", namespace, name });
const rf = (namespace: string, name: string) => ({ apiVersion: "koreo.dev/v1beta1", kind: "ResourceFunction", namespace, name });

function managers(object: KubeObject | undefined): string[] {
  const metadata = isMap(object?.metadata) ? object.metadata : undefined;
  const fields = isList(metadata?.managedFields) ? metadata.managedFields : [];
  return fields.flatMap((f) => (isMap(f) && typeof f.manager === "string" ? [f.manager] : []));
}

test("CLI-10 / CLI-16 apply server-side applies each definition (field manager koreo, dependencies first) and prints created lines", async () => {
  const run = await h.koreo("apply", "-n", "apply-create", "--create-namespaces", PROGRAM);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(lines(run.stdout), [
    "created Namespace/apply-create",
    "created ValueFunction/apply-create/greeting",
    "created ResourceFunction/apply-create/greeting-config-map",
  ]);
  const stored = await h.read(rf("apply-create", "greeting-config-map"));
  assert.ok(stored !== undefined);
  assert.deepEqual(managers(stored), ["koreo"]);
  assert.ok(await h.read(vf("apply-create", "greeting")));
});

test("CLI-10 the Greeter CRD among the files is skipped without --include-crds and applied first with it", async () => {
  const crdRef = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "greeters.demo.koreo.test" };
  const without = await h.koreo("apply", "-n", "apply-crds", "--create-namespaces", PROGRAM);
  assert.equal(without.code, 0, without.stderr);
  assert.equal(await h.read(crdRef), undefined);
  const withCrds = await h.koreo("apply", "-n", "apply-crds", "--include-crds", PROGRAM);
  assert.equal(withCrds.code, 0, withCrds.stderr);
  assert.deepEqual(lines(withCrds.stdout), [
    "created CustomResourceDefinition/greeters.demo.koreo.test",
    "unchanged ValueFunction/apply-crds/greeting",
    "unchanged ResourceFunction/apply-crds/greeting-config-map",
  ]);
  assert.ok(await h.read(crdRef));
});

test("CLI-10 applying the same files again reports unchanged; editing one reports configured for that one only", async () => {
  const dir = join(h.dir, "edited-program");
  await cp(PROGRAM, dir, { recursive: true });
  const first = await h.koreo("apply", "-n", "apply-again", "--create-namespaces", dir);
  assert.equal(first.code, 0, first.stderr);
  const again = await h.koreo("apply", "-n", "apply-again", dir);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(lines(again.stdout), ["unchanged ValueFunction/apply-again/greeting", "unchanged ResourceFunction/apply-again/greeting-config-map"]);

  const file = join(dir, "functions.k.yaml");
  await writeFile(file, (await readFile(file, "utf8")).replace('"Hello, "', '"Hi, "'));
  const edited = await h.koreo("apply", "-n", "apply-again", dir);
  assert.equal(edited.code, 0, edited.stderr);
  assert.deepEqual(lines(edited.stdout), ["configured ValueFunction/apply-again/greeting", "unchanged ResourceFunction/apply-again/greeting-config-map"]);
  const stored = await h.read(vf("apply-again", "greeting"));
  assert.match(toJsonText(stored ?? null), /Hi, /);
});

test("CLI-10 / CLI-1 a document's own namespace is used; a matching --namespace is accepted", async () => {
  const run = await h.koreo("apply", "--namespace", "team-a", "--create-namespaces", TEAM_A);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(lines(run.stdout), ["created Namespace/team-a", "created ValueFunction/team-a/team-labels"]);
});

test("CLI-10 / CLI-1 a --namespace conflicting with a document's namespace is an error (exit 1) and nothing is written", async () => {
  const run = await h.koreo("apply", "-n", "team-b", "--create-namespaces", PROGRAM, TEAM_A);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.match(
    run.stderr,
    /labels\.k\.yaml:\d+:\d+: error: ValueFunction team-a\/team-labels: metadata\.namespace: the document's namespace 'team-a' conflicts with --namespace team-b/,
  );
  assert.equal(await h.read(vf("team-b", "greeting")), undefined);
  assert.equal(await h.read({ apiVersion: "v1", kind: "Namespace", name: "team-b" }), undefined);
});

test("CLI-10 / CLI-11 validation errors are printed as koreo validate prints them, exit 1, and nothing is applied", async () => {
  const run = await h.koreo("apply", "-n", "apply-invalid", "--create-namespaces", INVALID);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.match(
    run.stderr,
    /broken\.k\.yaml:19:5: error: ResourceFunction\/broken: spec\.resourceTemplateRef\.name: ResourceTemplate 'no-such-template' is not defined/,
  );
  assert.equal(await h.read(vf("apply-invalid", "fine")), undefined);
});

test("CLI-10 --dry-run=client predicts created/unchanged/configured from the live objects and writes nothing", async () => {
  const fresh = await h.koreo("apply", "-n", "dry-client", "--dry-run=client", PROGRAM);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.deepEqual(lines(fresh.stdout), [
    "created ValueFunction/dry-client/greeting (dry run)",
    "created ResourceFunction/dry-client/greeting-config-map (dry run)",
  ]);
  assert.equal(await h.read(vf("dry-client", "greeting")), undefined);

  const dir = join(h.dir, "dry-client-program");
  await cp(PROGRAM, dir, { recursive: true });
  assert.equal((await h.koreo("apply", "-n", "dry-client", "--create-namespaces", dir)).code, 0);
  const file = join(dir, "functions.k.yaml");
  await writeFile(file, (await readFile(file, "utf8")).replace('"Hello, "', '"Hey, "'));
  const edited = await h.koreo("apply", "-n", "dry-client", "--dry-run=client", dir);
  assert.deepEqual(lines(edited.stdout), [
    "configured ValueFunction/dry-client/greeting (dry run)",
    "unchanged ResourceFunction/dry-client/greeting-config-map (dry run)",
  ]);
  const stored = await h.read(vf("dry-client", "greeting"));
  assert.doesNotMatch(toJsonText(stored ?? null), /Hey, /);
});

test("CLI-10 --dry-run=server sends dryRun applies: lines say so and nothing persists", async () => {
  const run = await h.koreo("apply", "-n", "default", "--dry-run=server", PROGRAM);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(lines(run.stdout), [
    "created ValueFunction/default/greeting (server dry run)",
    "created ResourceFunction/default/greeting-config-map (server dry run)",
  ]);
  assert.equal(await h.read(vf("default", "greeting")), undefined);
});

test("CLI-10 an API error (namespace missing) is reported per object on stderr with exit 1", async () => {
  const run = await h.koreo("apply", "-n", "no-such-namespace", PROGRAM);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: ValueFunction\/no-such-namespace\/greeting: .*not found.*--create-namespaces/m);
});

test("CLI-10 / CLI-16 usage errors exit 2; --help exits 0 and documents the CRD decision", async () => {
  assert.equal((await h.koreo("apply")).code, 2);
  const badDryRun = await h.koreo("apply", "--dry-run=maybe", PROGRAM);
  assert.equal(badDryRun.code, 2);
  assert.match(badDryRun.stderr, /--dry-run must be client or server/);
  assert.equal((await h.koreo("apply", "--bogus", PROGRAM)).code, 2);
  const help = await h.koreo("apply", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /CustomResourceDefinition documents .* are skipped unless --include-crds/s);
});

test("CLI-10 --kubeconfig and --context select the cluster; an unknown context is an error (exit 1)", async () => {
  const run = await h.koreo("apply", "--kubeconfig", h.kubeconfig, "-n", "kc-flag", "--create-namespaces", "--dry-run=client", PROGRAM);
  assert.equal(run.code, 0, run.stderr);
  const badContext = await h.koreo("apply", "--context", "no-such-context", "-n", "kc-flag", PROGRAM);
  assert.equal(badContext.code, 1);
  assert.match(badContext.stderr, /kubeconfig|context/);
});

test("CLI-10 the examples apply cleanly with their CRDs and namespaces", async () => {
  const run = await h.koreo("apply", "--include-crds", "--create-namespaces", "examples/");
  assert.equal(run.code, 0, run.stderr);
  const out = lines(run.stdout);
  assert.ok(out.length > 0);
  for (const line of out) assert.match(line, /^(created|configured|unchanged) [A-Za-z]+\/\S+$/);
  assert.ok(out.includes("created CustomResourceDefinition/webapps.apps.acme.example"));
});
