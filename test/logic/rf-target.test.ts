import { test } from "node:test";
import assert from "node:assert/strict";
import { prepareResourceFunction, prepareResourceTemplate, prepareValueFunction } from "../../src/logic/index.ts";
import { Outcome } from "../../src/outcome/outcome.ts";
import { RESOURCE, at, configMapSpec, harness, rf } from "../support/resource-function.ts";
import { createLookup, definition, ready } from "../support/logic.ts";

const inputs = { name: "cm", color: "red" };

function withFunctions(...vfs: [string, string][]) {
  const lookup = createLookup();
  for (const [name, spec] of vfs) {
    const def = definition("ValueFunction", name, spec);
    lookup.put(def, prepareValueFunction(def, lookup));
  }
  return lookup;
}

function withTemplate(lookup: ReturnType<typeof createLookup>, name: string, spec: string) {
  const def = definition("ResourceTemplate", name, spec);
  lookup.put(def, prepareResourceTemplate(def, lookup));
}

test("RF-1 / VAL-4 apiConfig identity fields are required; namespace when namespaced", () => {
  const missing = prepareResourceFunction(
    definition("ResourceFunction", "x", "apiConfig: {apiVersion: v1, kind: ConfigMap, namespace: ns}\nresource: {}"),
    createLookup(),
  );
  assert.equal(missing.ok, false);
  const noNamespace = prepareResourceFunction(
    definition("ResourceFunction", "x", "apiConfig: {apiVersion: v1, kind: ConfigMap, name: a}\nresource: {}"),
    createLookup(),
  );
  assert.equal(noNamespace.ok, false);
  if (!noNamespace.ok) assert.match(noNamespace.outcome.message ?? "", /`namespace` is required when `spec.apiConfig.namespaced` is `true`/);
});

test("RF-4 / VAL-5 exactly one of resource and resourceTemplateRef", () => {
  const both = prepareResourceFunction(definition("ResourceFunction", "x", configMapSpec("resource: {}\nresourceTemplateRef: {name: t}")), createLookup());
  assert.equal(both.ok, false);
  const neither = prepareResourceFunction(definition("ResourceFunction", "x", configMapSpec("")), createLookup());
  assert.equal(neither.ok, false);
});

test("RF-7 / VAL-4 a malformed update is a load failure", () => {
  const out = prepareResourceFunction(definition("ResourceFunction", "x", configMapSpec(RESOURCE + "update: {patch: {}, never: {}}")), createLookup());
  assert.equal(out.ok, false);
});

test("RF-15 an inline resource that is not a mapping is a PermFail; RF-16 identity is forced, labels kept", async () => {
  const h = harness();
  const fn = rf(
    configMapSpec(`
resource:
  apiVersion: v2
  kind: Other
  metadata: {name: wrong, namespace: elsewhere, labels: {keep: me}}
  data: {a: b}
`),
  );
  await h.run(fn, inputs);
  const live = h.live();
  assert.deepEqual([at(live, "apiVersion"), at(live, "kind"), at(live, "metadata", "namespace")], ["v1", "ConfigMap", "ns"]);
  assert.deepEqual(at(live, "metadata", "labels"), { keep: "me" });
});

test("RF-15 an inline resource evaluating to null is {}", async () => {
  const h = harness();
  await h.run(rf(configMapSpec("resource: {metadata: null}")), inputs);
  assert.equal(at(h.live(), "kind"), "ConfigMap");
});

test("RF-5 / RF-17 overlays apply in order, see earlier results as resource, and skipIf skips", async () => {
  const h = harness();
  const lookup = withFunctions(["add-size", "return: {data: {size: =inputs.size, prev: =resource.data.step}}"]);
  const fn = rf(
    configMapSpec(`
resource: {data: {color: =inputs.color}}
overlays:
  - overlay: {data: {step: one}}
  - overlay: {data: {step: =resource.data.step + '-two'}}
  - overlay: {data: {skipped: yes}}
    skipIf: =inputs.color == 'red'
  - overlayRef: {kind: ValueFunction, name: add-size}
    inputs: {size: =inputs.color + '-L'}
  - overlay: {metadata: {name: renamed}}
`),
    lookup,
  );
  await h.run(fn, inputs);
  assert.deepEqual(at(h.live(), "data"), { color: "red", step: "one-two", size: "red-L", prev: "one-two" });
});

test("RF-17 a non-boolean skipIf is a PermFail naming the item", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "overlays: [{overlay: {data: {x: y}}, skipIf: =inputs.name}]"));
  const out = await h.run(fn, inputs);
  assert.deepEqual(out.outcome.kind === "PermFail" && out.outcome.message, "Expected boolean, but received string for 'spec.overlays[0].skipIf'");
});

test("RF-17 a ValueFunction's non-Ok outcome is the ResourceFunction's outcome, unchanged", async () => {
  const h = harness();
  const lookup = withFunctions(["gate", "preconditions: [{assert: =false, depSkip: {message: not yet}}]\nreturn: {a: 1}"]);
  const fn = rf(configMapSpec(RESOURCE + "overlays: [{overlayRef: {kind: ValueFunction, name: gate}}]"), lookup);
  const out = await h.run(fn, inputs);
  assert.equal(out.outcome.kind === "DepSkip" && out.outcome.message, "not yet");
  assert.equal(h.cluster.calls.writes(), 0);
});

test("RF-30 a missing overlay ValueFunction: Retry 60 'ValueFunction:<name> not ready', only once step 8 is reached", async () => {
  const h = harness();
  const prepared = prepareResourceFunction(
    definition("ResourceFunction", "rf", configMapSpec(RESOURCE + "overlays: [{overlayRef: {kind: ValueFunction, name: later}}]")),
    createLookup(),
  );
  assert.equal(prepared.ok, true);
  assert.deepEqual(prepared.dependsOn, [{ kind: "ValueFunction", name: "later" }]);
  const fn = ready(prepared);
  const out = await h.run(fn, inputs);
  assert.deepEqual(out.outcome, Outcome.retry(60, "ValueFunction:later not ready (None)"));
  assert.equal(h.cluster.calls.counts().get, 1);
});

test("RF-30 a failed overlay ValueFunction embeds its rendered outcome (OUT-5)", async () => {
  const lookup = createLookup();
  const def = definition("ValueFunction", "broken", "locals: {a: 1}");
  lookup.put(def, prepareValueFunction(def, lookup));
  const fn = rf(configMapSpec(RESOURCE + "overlays: [{overlayRef: {kind: ValueFunction, name: broken}}]"), lookup);
  const out = await harness().run(fn, inputs);
  assert.match(out.outcome.kind === "Retry" ? (out.outcome.message ?? "") : "", /^ValueFunction:broken not ready \(Permanent Failure \(message=/);
});

test("RF-30 per-item failures combine: extra keys, empty inline overlay", async () => {
  const h = harness();
  const fn = rf(configMapSpec(RESOURCE + "overlays: [{overlay: {}}]"));
  const out = await h.run(fn, inputs);
  assert.match(out.outcome.kind === "PermFail" ? (out.outcome.message ?? "") : "", /^Empty inline overlay/);
  const extra = rf(configMapSpec(RESOURCE + "overlays: [{overlay: {data: {a: b}}, inputs: {x: 1}}, {overlay: {}}]"));
  const combined = await h.run(extra, inputs);
  assert.match(combined.outcome.kind === "PermFail" ? (combined.outcome.message ?? "") : "", /may not specify inputs with overlay, Empty inline overlay/);
});

test("RF-31 an overlayRef that does not provide an input the ValueFunction reads is a PermFail", async () => {
  const lookup = withFunctions(["needs", "return: {data: {a: =inputs.alpha, b: =inputs.beta.deep}}"]);
  const fn = rf(configMapSpec(RESOURCE + "overlays: [{overlayRef: {kind: ValueFunction, name: needs}, inputs: {alpha: 1}}]"), lookup);
  const out = await harness().run(fn, inputs);
  assert.deepEqual(out.outcome.kind === "PermFail" && out.outcome.message, 'needs expected the following inputs "beta"');
});

test("RF-31 recommendation: overlayRef inputs may read the current specification as resource", async () => {
  const h = harness();
  const lookup = withFunctions(["copy", "return: {data: {copied: =inputs.color}}"]);
  const fn = rf(configMapSpec(RESOURCE + "overlays: [{overlayRef: {kind: ValueFunction, name: copy}, inputs: {color: =resource.data.color}}]"), lookup);
  await h.run(fn, inputs);
  assert.equal(at(h.live(), "data", "copied"), "red");
});

test("RT-1 / RT-3 / VAL-7 a template needs apiVersion and kind; a failed template is cached as PermFail", () => {
  const bad = prepareResourceTemplate(definition("ResourceTemplate", "t", "template: {metadata: {}}"), createLookup());
  assert.equal(bad.ok, false);
  if (!bad.ok)
    assert.match(
      bad.outcome.message ?? "",
      /ResourceTemplate 't' `apiVersion` and `kind` must be set within `spec.template` \(apiVersion: 'None', kind: 'None'\)/,
    );
  const good = ready(
    prepareResourceTemplate(definition("ResourceTemplate", "t", "template: {apiVersion: v1, kind: ConfigMap}\ncontext: {any: thing}"), createLookup()),
  );
  assert.deepEqual(good.template, { apiVersion: "v1", kind: "ConfigMap" });
});

test("RT-2 template content is static: '=' strings and numeric-looking strings are sent as strings", async () => {
  const h = harness();
  const lookup = createLookup();
  withTemplate(lookup, "t", "template: {apiVersion: v1, kind: ConfigMap, data: {expr: '=1 + 1', port: '8080'}}");
  await h.run(rf(configMapSpec("resourceTemplateRef: {name: t}")), inputs, { definitions: lookup });
  assert.deepEqual(at(h.live(), "data"), { expr: "=1 + 1", port: "8080" });
});

test("RT-4 the template name is an expression; a non-string is a PermFail", async () => {
  const h = harness();
  const lookup = createLookup();
  withTemplate(lookup, "t-red", "template: {apiVersion: v1, kind: ConfigMap, data: {from: red}}");
  await h.run(rf(configMapSpec("resourceTemplateRef: {name: ='t-' + inputs.color}")), inputs, { definitions: lookup });
  assert.deepEqual(at(h.live(), "data"), { from: "red" });
  const out = await h.run(rf(configMapSpec("resourceTemplateRef: {name: =1}")), inputs, { definitions: lookup });
  assert.deepEqual(out.outcome.kind === "PermFail" && out.outcome.message, "Expected string, but received '1' (int) at `spec.resourceTemplateRef.name`");
});

test("RT-5 a missing template retries 30 'not found.'; a failed one 'is not ready (...)'", async () => {
  const h = harness();
  const lookup = createLookup();
  const fn = rf(configMapSpec("resourceTemplateRef: {name: t}"));
  assert.deepEqual((await h.run(fn, inputs, { definitions: lookup })).outcome, Outcome.retry(30, "ResourceTemplate:t not found."));
  withTemplate(lookup, "t", "template: {kind: ConfigMap}");
  const out = await h.run(fn, inputs, { definitions: lookup });
  assert.match(out.outcome.kind === "Retry" ? (out.outcome.message ?? "") : "", /^ResourceTemplate:t is not ready \(Permanent Failure/);
});

test("RT-6 template → identity → overlays → identity: template labels survive, identity wins", async () => {
  const h = harness();
  const lookup = createLookup();
  withTemplate(lookup, "t", "template: {apiVersion: v9, kind: Wrong, metadata: {name: tmpl, labels: {from: template}}, data: {a: b}}");
  const fn = rf(configMapSpec("resourceTemplateRef: {name: t}\noverlays: [{overlay: {data: {c: =inputs.color}, metadata: {namespace: other}}}]"));
  await h.run(fn, inputs, { definitions: lookup });
  const live = h.live();
  assert.deepEqual(at(live, "metadata", "labels"), { from: "template" });
  assert.deepEqual(at(live, "data"), { a: "b", c: "red" });
  assert.deepEqual([at(live, "apiVersion"), at(live, "kind"), at(live, "metadata", "namespace")], ["v1", "ConfigMap", "ns"]);
});

test("RT-7 a changed template is picked up by the next reconcile and patched", async () => {
  const h = harness();
  const lookup = createLookup();
  withTemplate(lookup, "t", "template: {apiVersion: v1, kind: ConfigMap, data: {v: one}}");
  const fn = rf(configMapSpec("resourceTemplateRef: {name: t}"));
  await h.run(fn, inputs, { definitions: lookup });
  withTemplate(lookup, "t", "template: {apiVersion: v1, kind: ConfigMap, data: {v: two}}");
  const out = await h.run(fn, inputs, { definitions: lookup });
  assert.match(out.outcome.kind === "Retry" ? (out.outcome.message ?? "") : "", /^Patching `ConfigMap:ns:cm` due to 'data' -> 'v'/);
  assert.deepEqual(at(h.live(), "data"), { v: "two" });
});

test("RF-14 prepare warns when a cluster-scoped apiConfig gives a namespace", () => {
  const out = prepareResourceFunction(
    definition("ResourceFunction", "x", "apiConfig: {apiVersion: v1, kind: Namespace, namespaced: false, name: a, namespace: b}\nresource: {}"),
    createLookup(),
  );
  assert.equal(out.ok && out.warnings?.[0]?.severity, "warning");
});

test("RF-31 a ResourceFunction's inputNames cover every expression field", () => {
  const fn = rf(configMapSpec("resource: {data: {c: =inputs.color}}\nlocals: {l: =inputs.loc}\nreturn: {r: =inputs.ret}"));
  assert.deepEqual([...fn.inputNames].sort(), ["color", "loc", "name", "ret"]);
});
