import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile, symlink, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadText } from "../../src/definitions/load.ts";
import { loadPaths } from "../../src/definitions/load-files.ts";
import { definitionFromObject } from "../../src/definitions/document.ts";
import { formatProblem } from "../../src/definitions/index.ts";
import { LIMITS } from "../../src/definitions/limits.ts";
import type { Definition, Problem } from "../../src/definitions/definition.ts";

const VF = `apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata:
  name: vf
  namespace: ns
spec:
  return:
    count: 1
    ratio: 1.0
    big: 12345678901234567890
`;

function only<T>(items: readonly T[]): T {
  assert.equal(items.length, 1, `expected exactly one item, got ${items.length}`);
  return items[0] as T;
}

function errors(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === "error");
}

test("load keeps YAML ints as bigint and doubles as number (EXPR-60 data model)", () => {
  const d = only(loadText(VF, "vf.yaml").definitions);
  assert.deepEqual(d.spec.return, { count: 1n, ratio: 1.0, big: 12345678901234567890n });
  assert.equal(typeof (d.spec.return as Record<string, unknown>).ratio, "number");
  assert.equal(d.kind, "ValueFunction");
  assert.equal(d.name, "vf");
  assert.equal(d.namespace, "ns");
});

test("positionOf gives 1-based positions of fields and falls back to the nearest ancestor", () => {
  const d = only(loadText(VF, "vf.yaml").definitions);
  assert.deepEqual(d.positionOf("spec.return.ratio"), { file: "vf.yaml", line: 9, column: 5 });
  assert.deepEqual(d.positionOf("spec.return.missing.deeper"), { file: "vf.yaml", line: 7, column: 3 });
  assert.deepEqual(d.source, { file: "vf.yaml", line: 1, column: 1 });
  const wf = only(
    loadText(
      "apiVersion: koreo.dev/v1beta1\nkind: Workflow\nmetadata: {name: w}\nspec:\n  steps:\n    - label: a\n    - label: b\n      inputs:\n        x: =1\n",
      "w.yaml",
    ).definitions,
  );
  assert.deepEqual(wf.positionOf("spec.steps[1].inputs.x"), { file: "w.yaml", line: 9, column: 9 });
  assert.deepEqual(wf.positionOf("spec.steps[1]"), { file: "w.yaml", line: 7, column: 7 });
});

test("FTF-5/FT-34 unquoted yes/no/on/off are YAML 1.1 booleans, with a warning naming the field", () => {
  const text = VF.replace("count: 1", "count: 1\n    flag: yes\n    off: Off\n    y: y\n    mode: 0644\n    quoted: 'yes'");
  const result = loadText(text, "vf.yaml");
  const ret = only(result.definitions).spec.return as Record<string, unknown>;
  assert.equal(ret.flag, true);
  assert.equal(ret.off, false);
  assert.equal(ret.y, "y");
  assert.equal(ret.mode, 420n);
  assert.equal(ret.quoted, "yes");
  const warnings = result.problems.filter((p) => p.severity === "warning").map((p) => `${p.path}|${p.line}`);
  assert.deepEqual(warnings.sort(), ["spec.return.flag|9", "spec.return.mode|12", "spec.return.off|10", "spec.return.y|11", "spec.return['<key>']|10"].sort());
});

test("FT-34 non-Koreo documents are returned as foreign, not rejected", () => {
  const text = `${VF}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n# only a comment\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n`;
  const result = loadText(text, "mixed.yaml");
  assert.equal(result.definitions.length, 1);
  assert.deepEqual(
    result.foreign.map((f) => `${f.apiVersion}/${f.kind}`),
    ["v1/Namespace", "example.com/v1/Widget"],
  );
  assert.deepEqual(result.foreign[0]?.source, { file: "mixed.yaml", line: 12, column: 1 });
  assert.deepEqual(errors(result.problems), []);
});

test("CLI-11 a koreo.dev document of another kind (TriggerDummy) is skipped with an info line, never an error", () => {
  const result = loadText("apiVersion: koreo.dev/v1beta1\nkind: TriggerDummy\nmetadata: {name: t}\nspec: {flag: yes}\n", "t.yaml");
  assert.deepEqual(result.definitions, []);
  assert.deepEqual(
    result.foreign.map((f) => `${f.apiVersion}/${f.kind}`),
    ["koreo.dev/v1beta1/TriggerDummy"],
  );
  const info = only(result.problems);
  assert.equal(formatProblem(info), "t.yaml:2:1: info: TriggerDummy/t: 'TriggerDummy' is not a supported Koreo Resource.");
  const typo = only(loadText("apiVersion: koreo.dev/v1beta1\nkind: Workflows\nmetadata: {name: w}\n", "w.yaml").problems);
  assert.equal(typo.severity, "info");
  assert.equal(typo.message, "'Workflows' is not a supported Koreo Resource. (did you mean 'Workflow'?)");
  const other = loadText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\nreplicas: 3\n", "o.yaml").problems;
  assert.deepEqual(
    other.map((p) => [p.severity, p.line, p.message]),
    [
      ["info", 2, "'ConfigMap' is not a supported Koreo Resource."],
      ["info", 5, "a document without a kind is not a Koreo Resource; skipped."],
    ],
  );
});

test("CLI-11 a Koreo kind under another koreo.dev apiVersion is still an error with its position", () => {
  const version = only(loadText("apiVersion: koreo.dev/v1alpha1\nkind: Workflow\nmetadata: {name: g}\n", "g.yaml").problems);
  assert.equal(version.line, 1);
  assert.match(version.message, /unknown Koreo apiVersion 'koreo.dev\/v1alpha1'/);
  assert.equal(version.severity, "error");
});

test("bad input: 10,000-deep nesting, flow or block, is a positioned nesting error, never a stack overflow", () => {
  const head = "apiVersion: koreo.dev/v1beta1\nkind: ValueFunction\nmetadata: {name: deep}\nspec:\n  return:\n    a: ";
  const flow = only(loadText(`${head}${"[".repeat(10_000)}${"]".repeat(10_000)}\n`, "flow.yaml").problems);
  assert.equal(formatProblem(flow), "flow.yaml:6:134: error: nesting deeper than 128 levels at spec.return.a[0][0][0][0][0]…");
  const block = only(loadText(`${head}\n      ${"- ".repeat(10_000)}x\n`, "block.yaml").problems);
  assert.equal(formatProblem(block), "block.yaml:7:259: error: nesting deeper than 128 levels at spec.return.a[0][0][0][0][0]…");
  const maps = only(loadText(`a: ${"{a: ".repeat(10_000)}1${"}".repeat(10_000)}\n`, "maps.yaml").problems);
  assert.match(formatProblem(maps), /^maps\.yaml:1:\d+: error: nesting deeper than 128 levels at a\.a\.a/);
  for (const p of [flow, block, maps]) assert.doesNotMatch(p.message, /call stack/i);
});

test("bad input: language-specific and local YAML tags in a Koreo document are refused at the tag (safe loader)", () => {
  const text = [
    "apiVersion: koreo.dev/v1beta1",
    "kind: ValueFunction",
    "metadata: {name: tagged}",
    "spec:",
    "  return:",
    "    a: !!python/object:foo.Bar {x: 1}",
    "    b: !!python/name:os.system ''",
    "    c: !local x",
    "    d: !!binary aGk=",
    "    e: !!str plain",
  ].join("\n");
  const result = loadText(text, "tags.yaml");
  assert.deepEqual(result.definitions, [], "the document is not loaded");
  assert.deepEqual(
    result.problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.kind}/${p.name} ${p.message.split(" is not allowed")[0]}`),
    [
      "6:8 error ValueFunction/tagged YAML tag '!!python/object:foo.Bar'",
      "7:8 error ValueFunction/tagged YAML tag '!!python/name:os.system'",
      "8:8 error ValueFunction/tagged YAML tag '!local'",
      "9:8 error ValueFunction/tagged YAML tag '!!binary'",
    ],
  );
  // Another tool's YAML beside the program (CloudFormation's `!Ref`) is skipped like any non-Koreo document.
  const foreign = loadText("Resources:\n  Queue: {Type: AWS::SQS::Queue}\nOutputs:\n  Url: !Ref Queue\n", "serverless.yml");
  assert.deepEqual(errors(foreign.problems), []);
});

test("bad input: a file that is not UTF-8 is refused at the line and column of the first bad byte", async () => {
  const dir = await tempDir();
  const file = join(dir, "latin1.k.yaml");
  const bytes = Buffer.concat([
    Buffer.from("apiVersion: koreo.dev/v1beta1\nkind: ValueFunction\nmetadata: {name: caf"),
    Buffer.from([0xe9]),
    Buffer.from("}\n"),
  ]);
  await writeFile(file, bytes);
  const result = await loadPaths([dir]);
  assert.deepEqual(result.definitions, []);
  assert.equal(formatProblem(only(result.problems)), `${file}:3:21: error: not valid UTF-8 (byte 0xE9); save the file as UTF-8`);
});

test("FT-33 .koreoignore at the root of a walked folder skips what it lists; dot-directories and node_modules always; named paths are read", async () => {
  const dir = await tempDir();
  const doc = (name: string): string => VF.replace("name: vf", `name: ${name}`);
  for (const sub of ["keep", "test/fixtures/broken", "test/e2e/fixtures", "node_modules/pkg", "drafts", "nested/drafts"])
    await mkdir(join(dir, sub), { recursive: true });
  await writeFile(join(dir, ".koreoignore"), "# fixtures are broken on purpose\ntest/**/fixtures/\n/drafts/\n*.wip.yaml\n!keep\n");
  await writeFile(join(dir, "keep", "a.k.yaml"), doc("a"));
  await writeFile(join(dir, "keep", "b.wip.yaml"), doc("b"));
  await writeFile(join(dir, "test/fixtures/broken", "c.koreo"), doc("c"));
  await writeFile(join(dir, "test/e2e/fixtures", "d.yaml"), doc("d"));
  await writeFile(join(dir, "node_modules/pkg", "e.yaml"), doc("e"));
  await writeFile(join(dir, "drafts", "f.yaml"), doc("f"));
  await writeFile(join(dir, "nested/drafts", "g.yaml"), doc("g"));
  const walked = await loadPaths([dir]);
  assert.deepEqual(
    walked.definitions.map((d) => d.name),
    ["a", "g"],
    "`/drafts/` is anchored to the root; nested/drafts stays",
  );
  assert.deepEqual(walked.emptyPaths, []);
  const named = await loadPaths([join(dir, "test/fixtures/broken"), join(dir, "keep", "b.wip.yaml")]);
  assert.deepEqual(
    named.definitions.map((d) => d.name),
    ["c", "b"],
  );
});

test("loadPaths names each given path that holds no Koreo definition (emptyPaths)", async () => {
  const dir = await tempDir();
  await mkdir(join(dir, "docs"));
  await mkdir(join(dir, "crds"));
  await mkdir(join(dir, "program"));
  await writeFile(join(dir, "docs", "README.md"), "# nothing here\n");
  await writeFile(join(dir, "crds", "crd.yaml"), "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\n");
  await writeFile(join(dir, "program", "vf.k.yaml"), VF);
  const result = await loadPaths([join(dir, "docs"), join(dir, "crds"), join(dir, "program"), join(dir, "missing")]);
  assert.deepEqual(result.emptyPaths, [join(dir, "docs"), join(dir, "crds")], "a missing path is an error of its own, not an empty one");
});

test("CACHE-2 missing metadata.name and a non-map spec are errors", () => {
  const noName = only(loadText("apiVersion: koreo.dev/v1beta1\nkind: Workflow\nmetadata: {}\nspec: {}\n", "n.yaml").problems);
  assert.match(noName.message, /metadata.name is required/);
  assert.equal(noName.line, 3);
  const badSpec = only(loadText("apiVersion: koreo.dev/v1beta1\nkind: Workflow\nmetadata: {name: w}\nspec: [1]\n", "s.yaml").problems);
  assert.match(badSpec.message, /spec must be an object, not a list/);
  assert.equal(badSpec.path, "spec");
  assert.equal(badSpec.line, 4);
});

test("CACHE-1 duplicate Kind/name in the loaded set: first kept, second reported at its name", () => {
  const result = loadText(`${VF}---\n${VF}`, "dup.yaml");
  assert.equal(result.definitions.length, 1);
  const p = only(result.problems);
  assert.match(p.message, /duplicate definition ValueFunction\/vf \(first defined at dup.yaml:1:1\)/);
  assert.equal(p.line, 15);
});

test("loader limits: documents per file, alias bombs and nesting depth are clear errors naming the file", () => {
  const many = Array.from({ length: LIMITS.maxDocuments + 1 }, () => "a: 1").join("\n---\n");
  assert.match(only(loadText(many, "many.yaml").problems).message, /too many YAML documents/);
  const bomb = [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(", ")}]`,
    ),
  ].join("\n");
  const bombProblem = only(loadText(bomb, "bomb.yaml").problems);
  assert.match(bombProblem.message, /alias expansion limit exceeded/);
  assert.equal(bombProblem.file, "bomb.yaml");
  const deep = `a: ${"[".repeat(200)}${"]".repeat(200)}`;
  assert.match(only(loadText(deep, "deep.yaml").problems).message, /nesting deeper than 128 levels/);
  const veryDeep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  assert.equal(only(loadText(veryDeep, "deeper.yaml").problems).severity, "error");
});

test("YAML syntax errors (tabs, duplicate keys) are errors with the offending position", () => {
  const tab = only(loadText("a:\n\tb: 1\n", "tab.yaml").problems);
  assert.equal(tab.line, 2);
  assert.match(tab.message, /YAML syntax error/);
  const dup = only(loadText("a: 1\na: 2\n", "dupkey.yaml").problems);
  assert.equal(dup.line, 2);
  assert.match(dup.message, /unique/i);
});

test("YAML merge keys (<<) work as in PyYAML: explicit keys win", () => {
  const d = only(
    loadText(
      "apiVersion: koreo.dev/v1beta1\nkind: ValueFunction\nmetadata: {name: m}\nspec:\n  locals: &base {a: 1, b: 2}\n  return:\n    <<: *base\n    b: 3\n",
      "m.yaml",
    ).definitions,
  );
  assert.deepEqual(d.spec.return, { b: 3n, a: 1n });
});

test("formatProblem renders the CLI-11 line and omits missing parts cleanly", () => {
  assert.equal(
    formatProblem({ severity: "error", message: "m", file: "f.yaml", line: 3, column: 5, kind: "Workflow", name: "w", path: "spec.steps[0]" }),
    "f.yaml:3:5: error: Workflow/w: spec.steps[0]: m",
  );
  assert.equal(formatProblem({ severity: "warning", message: "m", kind: "Workflow", name: "w", namespace: "ns" }), "warning: Workflow ns/w: m");
  assert.equal(formatProblem({ severity: "error", message: "m", file: "f.yaml" }), "f.yaml: error: m");
});

test("definitionFromObject builds definitions from cluster objects and rejects bad ones (CACHE-2)", () => {
  const d = definitionFromObject({
    apiVersion: "koreo.dev/v1beta1",
    kind: "Workflow",
    metadata: { name: "w", namespace: "ns", resourceVersion: "7", labels: { a: "b" } },
    spec: { steps: [] },
  }) as Definition;
  assert.equal(d.resourceVersion, "7");
  assert.deepEqual(d.labels, { a: "b" });
  assert.equal(d.positionOf("spec.steps"), undefined);
  const bad = definitionFromObject({ apiVersion: "koreo.dev/v1beta1", kind: "Workflow", metadata: {} }) as Problem;
  assert.equal(bad.severity, "error");
  const foreign = definitionFromObject({ apiVersion: "v1", kind: "ConfigMap" }) as Problem;
  assert.match(foreign.message, /'ConfigMap.v1' is not a Koreo resource/);
});

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "koreo-defs-"));
}

test("FT-33 loadPaths walks folders recursively in sorted order with Koreo suffixes", async () => {
  const dir = await tempDir();
  await mkdir(join(dir, "sub"));
  await mkdir(join(dir, ".hidden"));
  const doc = (name: string): string => VF.replace("name: vf", `name: ${name}`);
  await writeFile(join(dir, "b.koreo"), doc("b"));
  await writeFile(join(dir, "a.k.yaml"), doc("a"));
  await writeFile(join(dir, "sub", "c.yml"), doc("c"));
  await writeFile(join(dir, "sub", "d.k"), doc("d"));
  await writeFile(join(dir, "notes.txt"), doc("txt"));
  await writeFile(join(dir, ".hidden", "e.yaml"), doc("e"));
  await symlink(dir, join(dir, "sub", "loop"));
  const result = await loadPaths([dir]);
  assert.deepEqual(
    result.definitions.map((d) => d.name),
    ["a", "b", "c", "d"],
  );
  assert.deepEqual(result.problems, []);
});

test("loadPaths never rejects: a missing path and an oversized file are Problems naming the file", async () => {
  const dir = await tempDir();
  const big = join(dir, "big.yaml");
  const handle = await open(big, "w");
  await handle.truncate(20 * 1024 * 1024);
  await handle.close();
  const result = await loadPaths([join(dir, "missing.yaml"), big]);
  assert.equal(result.problems.length, 2);
  assert.match(result.problems[0]?.message ?? "", /cannot read/);
  assert.equal(result.problems[0]?.file, join(dir, "missing.yaml"));
  assert.match(result.problems[1]?.message ?? "", /file too large \(20971520 bytes/);
  assert.equal(result.problems[1]?.file, big);
});

test("CACHE-1 duplicates across files are reported once, at the later file", async () => {
  const dir = await tempDir();
  await writeFile(join(dir, "1.yaml"), VF);
  await writeFile(join(dir, "2.yaml"), VF);
  const result = await loadPaths([dir]);
  assert.equal(result.definitions.length, 1);
  const p = only(result.problems);
  assert.equal(p.file, join(dir, "2.yaml"));
  assert.equal(p.line, 4);
});
