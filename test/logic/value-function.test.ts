import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { prepareValueFunction, runValueFunction } from "../../src/logic/index.ts";
import type { PreparedValueFunction } from "../../src/logic/index.ts";
import type { Value, ValueMap } from "../../src/value/value.ts";
import { createLookup, definition, ready, yamlValue } from "../support/logic.ts";

function vf(spec: string, name = "vf"): PreparedValueFunction {
  return ready(prepareValueFunction(definition("ValueFunction", name, spec), createLookup()));
}

function run(spec: string, inputs: Value = {}, base?: ValueMap) {
  return runValueFunction(vf(spec), inputs, base);
}

test("VF-1 preconditions or return is required (VAL-3), with a prepare location (VAL-8)", () => {
  const out = prepareValueFunction(definition("ValueFunction", "empty", "locals: {a: 1}"), createLookup());
  assert.equal(out.ok, false);
  if (!out.ok) {
    assert.match(out.outcome.message ?? "", /cannot be validated by any definition/);
    assert.match(out.outcome.location ?? "", /^prepare:ValueFunction:empty/);
  }
});

test("VF-1 compile errors are load failures naming the field", () => {
  const out = prepareValueFunction(definition("ValueFunction", "bad", "return: {a: '=1 +'}"), createLookup());
  assert.equal(out.ok, false);
  if (!out.ok) {
    assert.match(out.outcome.message ?? "", /Parsing error at line/);
    assert.equal(out.outcome.location, "prepare:ValueFunction:bad:spec.return");
  }
});

test("VF-2 a failing precondition is returned before anything else", () => {
  const out = run(
    `
preconditions:
  - assert: =inputs.n > 0
    skip: {message: too small}
locals: {bad: =1/0}
return: {x: =locals.bad}
`,
    { n: 0n },
  );
  assert.deepEqual(out, { kind: "Skip", message: "too small", location: out.kind === "Skip" ? out.location : undefined });
});

test("VF-2 without return the result is Ok(null) and locals are never evaluated", () => {
  const out = run(`
preconditions:
  - assert: =true
    permFail: {message: never}
locals: {bad: =1/0}
`);
  assert.deepEqual(out, { kind: "Ok", value: null });
});

test("VF-2 locals then return overlay; VF-4 nested structure, lists, booleans, null and {} preserved", () => {
  const out = run(
    `
locals:
  doubled: =inputs.n * 2
return:
  value: =locals.doubled
  nested: {list: [1, "=inputs.n"], flag: true, nothing: null, empty: {}}
`,
    { n: 3n },
  );
  assert.deepEqual(out, { kind: "Ok", value: { value: 6n, nested: { list: [1n, 3n], flag: true, nothing: null, empty: {} } } });
});

test("VF-3 locals cannot see other locals; preconditions cannot see locals", () => {
  const a = run("locals: {a: 1, b: =locals.a}\nreturn: {x: =locals.b}");
  assert.equal(a.kind, "PermFail");
  if (a.kind === "PermFail") assert.match(a.message ?? "", /spec\.locals/);
  const b = run("locals: {a: 1}\npreconditions: [{assert: =locals.a == 1, skip: {message: s}}]\nreturn: {x: 1}");
  assert.equal(b.kind, "PermFail");
  if (b.kind === "PermFail") assert.match(b.message ?? "", /spec\.preconditions/);
});

test("VF-5 evaluation errors are PermFail 'Error evaluating' naming the field (OUT-7)", () => {
  const out = run("return: {x: =inputs.missing.deeper}", {});
  assert.equal(out.kind, "PermFail");
  if (out.kind === "PermFail") {
    assert.match(out.message ?? "", /^Error evaluating `ValueFunction:ns:vf:spec\.return`/);
  }
});

test("VF-6 / FTF-4 as an overlay: resource is bound everywhere and the return lands onto the base", () => {
  const spec = `
preconditions:
  - assert: =has(resource.spec)
    depSkip: {message: no spec}
locals: {kind: =resource.kind}
return:
  metadata: {labels: {kind: =locals.kind}}
  spec: {replicas: =resource.spec.replicas + 1}
`;
  const base = { kind: "Deployment", metadata: { name: "x" }, spec: { replicas: 1n, other: "kept" } };
  assert.deepEqual(run(spec, {}, base), {
    kind: "Ok",
    value: { kind: "Deployment", metadata: { name: "x", labels: { kind: "Deployment" } }, spec: { replicas: 2n, other: "kept" } },
  });
  // Recommendation: with no base, `resource` is `{}` (so has() works) rather than unbound.
  const skipped = run(spec, {});
  assert.equal(skipped.kind, "DepSkip");
});

test("VF-7 pure: the same inputs give the same outcome, inputs and base are not mutated", () => {
  const fn = vf("return: {a: {b: =inputs.x}}");
  const inputs = { x: [1n] };
  const base = { a: { c: 1n } };
  const first = runValueFunction(fn, inputs, base);
  assert.deepEqual(runValueFunction(fn, inputs, base), first);
  assert.deepEqual(base, { a: { c: 1n } });
  assert.deepEqual(inputs, { x: [1n] });
});

test("RF-31 inputNames are the first-level inputs.X read by preconditions, locals and return", () => {
  const fn = vf(`
preconditions: [{assert: =inputs.a.deep > 0, skip: {message: s}}]
locals: {l: '=inputs["b"]'}
return: {r: =inputs.c + locals.l}
`);
  assert.deepEqual([...fn.inputNames].sort(), ["a", "b", "c"]);
});

test("OUT-6 predicate outcomes keep their kinds, messages and delays", () => {
  const out = run("preconditions: [{assert: =false, retry: {message: wait, delay: 5}}]\nreturn: {a: 1}");
  assert.equal(out.kind, "Retry");
  if (out.kind === "Retry") assert.deepEqual([out.delay, out.message], [5, "wait"]);
  const okShortCircuit = run("preconditions: [{assert: =false, ok: {}}, {assert: =false, permFail: {message: x}}]\nreturn: {a: 1}");
  assert.deepEqual(okShortCircuit, { kind: "Ok", value: { a: 1n } });
});

test("BODY-1 one failing leaf fails the whole body; BODY-2 numeric-looking strings become numbers", () => {
  const failed = run("return: {good: 1, bad: =1/0}");
  assert.equal(failed.kind, "PermFail");
  assert.deepEqual(run("return: {port: '8080', ratio: '0.25', str: '=\"8080\"'}"), {
    kind: "Ok",
    value: { port: 8080n, ratio: 0.25, str: "8080" },
  });
});

test("BODY-3 overlay bodies: leaves replace, maps descend, expression maps replace, scalars in the base are discarded", () => {
  const base = { a: { c: 2n }, d: 3n, s: "scalar", l: [1n, 2n] };
  const out = run("return: {a: {b: =1}, s: {x: 1}, l: [9], n: null, e: {}, m: '={\"k\": 1}'}", {}, base);
  assert.deepEqual(out, { kind: "Ok", value: { a: { c: 2n, b: 1n }, d: 3n, s: { x: 1n }, l: [9n], n: null, e: {}, m: { k: 1n } } });
});

test("FTF-5 YAML 1.1 booleans (on/yes) parsed by the loader reach a function body as booleans", () => {
  const spec = parse("return: {enabled: on, answer: yes}", { version: "1.1", intAsBigInt: true }) as ValueMap;
  const fn = ready(prepareValueFunction(definition("ValueFunction", "y11", spec), createLookup()));
  assert.deepEqual(runValueFunction(fn, {}), { kind: "Ok", value: { enabled: true, answer: true } });
  assert.deepEqual(yamlValue("a: on"), { a: "on" });
});
