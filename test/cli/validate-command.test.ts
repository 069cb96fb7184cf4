import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { koreo } from "../support/cli.ts";

async function corpus(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "koreo-validate-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const BROKEN = {
  "tests.k.yaml": `apiVersion: koreo.dev/v1beta1
kind: FunctionTest
metadata:
  name: orphan
spec:
  functionRef:
    kind: ValueFunction
    name: nope
  testCases:
    - expectOutcome:
        ok: {}
---
apiVersion: koreo.dev/v1beta1
kind: FunctionTest
metadata:
  name: null-ok
spec:
  functionRef:
    kind: ValueFunction
    name: nope
  testCases:
    - currentResource: {}
      expectOutcome:
        ok:
`,
  "rf.k.yaml": `apiVersion: koreo.dev/v1beta1
kind: ResourceFunction
metadata:
  name: rf
spec:
  apiConfig: {apiVersion: v1, kind: ConfigMap, name: x, namespace: team}
  resourceTemplateRef: {name: missing-template}
`,
  "syntax.yaml": "a: [\n",
};

test("CLI-11 koreo validate on examples/ exits 0 and prints only the info lines of its non-Koreo documents", async () => {
  const run = await koreo("validate", "examples/");
  assert.equal(run.code, 0);
  assert.deepEqual(run.stdout.split("\n"), [
    "examples/crds/webapp.yaml:5:1: info: CustomResourceDefinition/webapps.apps.acme.example: 'CustomResourceDefinition' is not a supported Koreo Resource.",
    "examples/workflow/cluster/team-a.yaml:5:1: info: Namespace/team-a: 'Namespace' is not a supported Koreo Resource.",
    "examples/workflow/cluster/team-a.yaml:10:1: info: Deployment/shop: 'Deployment' is not a supported Koreo Resource.",
    "examples/workflow/shop.webapp.yaml:3:1: info: WebApp/shop: 'WebApp' is not a supported Koreo Resource.",
  ]);
  const { spawnSync } = await import("node:child_process");
  const real = spawnSync(process.execPath, ["bin/koreo.mjs", "validate", "examples/"], { encoding: "utf8" });
  assert.equal(real.status, 0);
  assert.equal(real.stderr, "");
  assert.equal(real.stdout, `${run.stdout}\n`, "no empty line either");
});

test("CLI-11 / FT-7 each problem is reported as file:line:col: severity: Kind/name: path: message; errors exit 1", async () => {
  const dir = await corpus(BROKEN);
  const run = await koreo("validate", dir);
  assert.equal(run.code, 1);
  const lines = run.stdout.split("\n").map((l) => l.replace(`${dir}/`, ""));
  assert.ok(
    lines.includes("tests.k.yaml:8:5: error: FunctionTest/orphan: spec.functionRef.name: ValueFunction 'nope' is not defined in the given paths"),
    lines.join("\n"),
  );
  assert.ok(
    lines.some((l) => /^tests\.k\.yaml:24:9: error: FunctionTest\/null-ok: spec\.testCases\[0\]\.expectOutcome\.ok: must be an object$/.test(l)),
    "FT-3 schema error, the path said once",
  );
  assert.ok(
    lines.some((l) => /^tests\.k\.yaml:22:7: warning: FunctionTest\/null-ok: spec\.testCases\[0\]\.currentResource: /.test(l)),
    "FT-12 warning",
  );
  assert.ok(
    lines.includes(
      "rf.k.yaml:7:25: error: ResourceFunction/rf: spec.resourceTemplateRef.name: ResourceTemplate 'missing-template' is not defined in the given paths",
    ),
  );
  assert.ok(lines.some((l) => /^syntax\.yaml:\d+:\d+: error: YAML syntax error/.test(l)));
});

test("CLI-11 --format json prints an array of {file, line, column, severity, kind, name, path, message}", async () => {
  const dir = await corpus(BROKEN);
  const run = await koreo("validate", dir, "--format", "json");
  assert.equal(run.code, 1);
  const problems = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
  assert.ok(problems.length >= 4);
  for (const p of problems) assert.deepEqual(Object.keys(p), ["file", "line", "column", "severity", "kind", "name", "path", "message"]);
  assert.ok(problems.some((p) => p.name === "orphan" && p.line === 8 && p.column === 5 && p.severity === "error"));
});

test("CLI-11 / FT-34 warnings alone (YAML 1.1 scalars) exit 0", async () => {
  const dir = await corpus({
    "vf.k.yaml": `apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata:
  name: vf
spec:
  return:
    enabled: yes
`,
  });
  const run = await koreo("validate", dir);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /vf\.k\.yaml:7:14: warning: ValueFunction\/vf: spec\.return\.enabled: .*yes/);
});

test("CLI-11 / CLI-16 usage errors exit 2", async () => {
  const run = await koreo("validate", "--format", "xml");
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown format 'xml'/);
  assert.equal((await koreo("validate", "--help")).code, 0);
});

test("CLI-11 acceptance: every problem the broken-definition corpus expects is reported at its file:line:col", async () => {
  const { readFile } = await import("node:fs/promises");
  const dir = "test/fixtures/broken";
  type Expected = { line: number; column: number; severity: string; message: string };
  const expected = JSON.parse(await readFile(`${dir}/expected.json`, "utf8")) as Record<string, { problems: Expected[] }>;
  const run = await koreo("validate", dir);
  assert.equal(run.code, 1);
  const lines = run.stdout.split("\n");
  const missed = Object.entries(expected).flatMap(([file, { problems }]) =>
    problems
      .filter((p) => !lines.some((l) => l.startsWith(`${dir}/${file}:${p.line}:${p.column}: ${p.severity}: `) && l.includes(p.message)))
      .map((p) => `${file}:${p.line}:${p.column}: ${p.severity}: ${p.message}`),
  );
  assert.deepEqual(missed, []);
});
