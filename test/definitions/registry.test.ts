import { test } from "node:test";
import assert from "node:assert/strict";
import { Outcome } from "../../src/outcome/outcome.ts";
import { definitionFromObject } from "../../src/definitions/document.ts";
import { loadText } from "../../src/definitions/load.ts";
import { createRegistry } from "../../src/definitions/registry.ts";
import { loadRegistry } from "../../src/definitions/load-registry.ts";
import { activeLabel } from "../../src/definitions/index.ts";
import { isMap, isList, type ValueMap } from "../../src/value/value.ts";
import type { Definition, DefinitionRef, KoreoKind, Preparer, Preparers } from "../../src/definitions/definition.ts";

function def(kind: KoreoKind, name: string, spec: ValueMap = {}, meta: { namespace?: string; resourceVersion?: string; labels?: ValueMap } = {}): Definition {
  const d = definitionFromObject({ apiVersion: "koreo.dev/v1beta1", kind, metadata: { name, ...meta }, spec });
  assert.ok("positionOf" in d);
  return d;
}

/** A test preparer: `uses` lists refs "Kind:name"; preparation fails if any is missing or failed, or if spec.fail is set. */
function recordingPreparers(log: string[]): Preparers {
  const prepare: Preparer = (definition, lookup) => {
    log.push(`${definition.kind}:${definition.name}`);
    const uses = isList(definition.spec.uses) ? definition.spec.uses.filter((u): u is string => typeof u === "string") : [];
    const dependsOn: DefinitionRef[] = uses.map((u) => {
      const [kind, name] = u.split(":") as [KoreoKind, string];
      return { kind, name };
    });
    const broken = dependsOn.filter((r) => lookup.get(r.kind, r.name)?.prepared.ok !== true);
    if (definition.spec.fail === true || broken.length > 0) {
      return { ok: false, outcome: Outcome.permFail(`broken: ${broken.map((r) => r.name).join(",")}`), dependsOn, problems: [] };
    }
    return { ok: true, value: { version: definition.resourceVersion ?? null }, dependsOn };
  };
  // Fake prepared values: this suite tests the cache, not what the real preparers build.
  return { ValueFunction: prepare, ResourceFunction: prepare, Workflow: prepare } as unknown as Preparers;
}

const names = (refs: readonly DefinitionRef[]): string[] => refs.map((r) => `${r.kind}:${r.name}`);

test("CACHE-1 keyed by (kind, name): same name in different kinds are separate entries", () => {
  const registry = createRegistry({ preparers: {} });
  registry.upsert(def("ValueFunction", "x", { return: { a: 1n } }));
  registry.upsert(def("ResourceFunction", "x", { resource: {} }));
  assert.deepEqual(registry.get("ValueFunction", "x")?.prepared, { ok: true, value: { return: { a: 1n } }, dependsOn: [] });
  assert.equal(registry.get("ResourceFunction", "x")?.definition.kind, "ResourceFunction");
  assert.deepEqual(
    [...registry.entries("ValueFunction")].map((e) => e.definition.name),
    ["x"],
  );
});

test("CACHE-1 same kind+name in two namespaces without a priority list: first kept, duplicate reported", () => {
  const registry = createRegistry({ preparers: {} });
  registry.upsert(def("ValueFunction", "x", {}, { namespace: "a" }));
  assert.deepEqual(registry.upsert(def("ValueFunction", "x", {}, { namespace: "b" })), []);
  assert.equal(registry.get("ValueFunction", "x")?.definition.namespace, "a");
  assert.equal(registry.conflicts.length, 1);
  assert.match(registry.conflicts[0]?.message ?? "", /duplicate ValueFunction:x in namespace b ignored/);
});

test("CTL-2 namespace priority: first listed wins; deleting it reveals the next one as a change", () => {
  const log: string[] = [];
  const registry = createRegistry({ preparers: recordingPreparers(log), namespaces: ["team", "base"] });
  registry.upsert(def("ValueFunction", "x", {}, { namespace: "base", resourceVersion: "1" }));
  registry.upsert(def("Workflow", "w", { uses: ["ValueFunction:x"] }, { namespace: "team" }));
  assert.deepEqual(names(registry.upsert(def("ValueFunction", "x", {}, { namespace: "team", resourceVersion: "9" }))), ["ValueFunction:x", "Workflow:w"]);
  assert.equal(registry.get("ValueFunction", "x")?.definition.namespace, "team");
  assert.deepEqual(registry.upsert(def("ValueFunction", "x", {}, { namespace: "base", resourceVersion: "2" })), []);
  assert.deepEqual(registry.conflicts, []);
  assert.deepEqual(names(registry.remove("ValueFunction", "x", "team")), ["ValueFunction:x", "Workflow:w"]);
  assert.equal(registry.get("ValueFunction", "x")?.definition.resourceVersion, "2");
});

test("CACHE-2 an event with the cached resourceVersion is ignored; a new version replaces the entry", () => {
  const log: string[] = [];
  const registry = createRegistry({ preparers: recordingPreparers(log) });
  registry.upsert(def("ValueFunction", "x", {}, { resourceVersion: "1" }));
  const generation = registry.generation;
  const revision = registry.get("ValueFunction", "x")?.revision;
  assert.deepEqual(registry.upsert(def("ValueFunction", "x", {}, { resourceVersion: "1" })), []);
  assert.equal(registry.generation, generation);
  assert.deepEqual(log, ["ValueFunction:x"]);
  registry.upsert(def("ValueFunction", "x", {}, { resourceVersion: "2" }));
  assert.ok((registry.get("ValueFunction", "x")?.revision ?? 0) > (revision ?? 0));
  assert.ok(registry.generation > generation);
  assert.deepEqual(registry.get("ValueFunction", "x")?.prepared, { ok: true, value: { version: "2" }, dependsOn: [] });
});

test("CACHE-3 deletion removes the entry and re-prepares dependants, which now see it missing", () => {
  const registry = createRegistry({ preparers: recordingPreparers([]) });
  registry.upsert(def("ValueFunction", "v"));
  registry.upsert(def("ResourceFunction", "r", { uses: ["ValueFunction:v"] }));
  assert.equal(registry.get("ResourceFunction", "r")?.prepared.ok, true);
  assert.deepEqual(names(registry.remove("ValueFunction", "v")), ["ValueFunction:v", "ResourceFunction:r"]);
  assert.equal(registry.get("ValueFunction", "v"), undefined);
  assert.equal(registry.get("ResourceFunction", "r")?.prepared.ok, false);
  assert.deepEqual(registry.remove("ValueFunction", "v"), []);
});

test("CACHE-4 / WF-31 dependants are re-prepared transitively, in dependency order, each once", () => {
  const log: string[] = [];
  const registry = createRegistry({ preparers: recordingPreparers(log) });
  registry.upsert(def("Workflow", "top", { uses: ["Workflow:mid", "ResourceFunction:r", "ValueFunction:v"] }));
  registry.upsert(def("Workflow", "mid", { uses: ["ResourceFunction:r"] }));
  registry.upsert(def("ResourceFunction", "r", { uses: ["ValueFunction:v"] }));
  assert.equal(registry.get("Workflow", "top")?.prepared.ok, false);
  log.length = 0;
  const changed = registry.upsert(def("ValueFunction", "v"));
  assert.deepEqual(log, ["ValueFunction:v", "ResourceFunction:r", "Workflow:mid", "Workflow:top"]);
  assert.deepEqual(names(changed), log);
  assert.equal(registry.get("Workflow", "top")?.prepared.ok, true);
});

test("CACHE-4 reference cycles are detected: re-preparation terminates and prepares each member once", () => {
  const log: string[] = [];
  const registry = createRegistry({ preparers: recordingPreparers(log) });
  registry.upsert(def("Workflow", "a", { uses: ["Workflow:b"] }));
  registry.upsert(def("Workflow", "b", { uses: ["Workflow:c"] }));
  registry.upsert(def("Workflow", "c", { uses: ["Workflow:a"] }));
  log.length = 0;
  registry.upsert(def("Workflow", "a", { uses: ["Workflow:b"], v: 2n }));
  assert.deepEqual(log.sort(), ["Workflow:a", "Workflow:b", "Workflow:c"]);
  log.length = 0;
  registry.remove("Workflow", "b");
  assert.deepEqual(log.sort(), ["Workflow:a", "Workflow:c"]);
});

test("CACHE-5 the koreo.dev/active label is parsed (t/true, any case, default true) and ignored", () => {
  assert.equal(activeLabel(def("ValueFunction", "a")), true);
  assert.equal(activeLabel(def("ValueFunction", "a", {}, { labels: { "koreo.dev/active": "T" } })), true);
  const inactive = def("ValueFunction", "b", {}, { labels: { "koreo.dev/active": "false" } });
  assert.equal(activeLabel(inactive), false);
  const registry = createRegistry({ preparers: {} });
  registry.upsert(inactive);
  assert.equal(registry.get("ValueFunction", "b")?.prepared.ok, true);
});

test("VAL-1 a failed preparation is cached as an entry (not healthy ≠ not cached); a throwing preparer too", () => {
  const registry = createRegistry({
    preparers: {
      ...recordingPreparers([]),
      ResourceTemplate: () => {
        throw new Error("boom");
      },
    },
  });
  registry.upsert(def("ValueFunction", "bad", { fail: true }));
  const entry = registry.get("ValueFunction", "bad");
  assert.equal(entry?.prepared.ok, false);
  assert.equal(registry.get("ValueFunction", "absent"), undefined);
  registry.upsert(def("ResourceTemplate", "t"));
  const t = registry.get("ResourceTemplate", "t")?.prepared;
  assert.ok(t && !t.ok);
  assert.match(t.outcome.message ?? "", /internal error preparing ResourceTemplate:t: boom/);
  assert.equal(t.outcome.location, "prepare:ResourceTemplate:t");
});

test("REG-1 definitions are looked up by {kind, name}", () => {
  const registry = createRegistry({ preparers: {} });
  registry.upsert(def("ResourceFunction", "rf", {}, { namespace: "anything" }));
  assert.equal(registry.get("ResourceFunction", "rf")?.definition.name, "rf");
  assert.equal(registry.get("ValueFunction", "rf"), undefined);
});

test("REG-2 lookups always return the latest version; REG-3 missing vs unhealthy are distinguishable", () => {
  const registry = createRegistry({ preparers: recordingPreparers([]) });
  registry.upsert(def("ValueFunction", "v", {}, { resourceVersion: "1" }));
  registry.upsert(def("ValueFunction", "v", {}, { resourceVersion: "2" }));
  assert.deepEqual(registry.get("ValueFunction", "v")?.prepared, { ok: true, value: { version: "2" }, dependsOn: [] });
  registry.upsert(def("ValueFunction", "v", { fail: true }, { resourceVersion: "3" }));
  assert.equal(registry.get("ValueFunction", "v")?.prepared.ok, false);
  assert.equal(registry.get("ValueFunction", "w"), undefined);
});

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

test("REG-4 rebuilding from the definition store gives the same result whatever the load order", () => {
  const defs = [
    def("Workflow", "outer", { uses: ["Workflow:inner", "ResourceFunction:r"] }),
    def("Workflow", "inner", { uses: ["ValueFunction:v"] }),
    def("ResourceFunction", "r", { uses: ["ValueFunction:v", "ValueFunction:o"] }),
    def("ValueFunction", "v"),
    def("ValueFunction", "o"),
  ];
  const snapshot = (seed: number): string[] => {
    const { registry } = loadRegistry({ definitions: shuffled(defs, seed), foreign: [], problems: [] }, recordingPreparers([]));
    return (["ValueFunction", "ResourceFunction", "Workflow"] as const)
      .flatMap((k) => [...registry.entries(k)].map((e) => `${k}:${e.definition.name}:${e.prepared.ok}`))
      .sort();
  };
  const expected = snapshot(0);
  assert.ok(expected.every((s) => s.endsWith(":true")));
  for (let seed = 1; seed < 12; seed++) assert.deepEqual(snapshot(seed), expected);
});

test("loadRegistry returns failed preparations as Problems positioned at the definition", () => {
  const text = "apiVersion: koreo.dev/v1beta1\nkind: Workflow\nmetadata: {name: w}\nspec:\n  uses: ['ValueFunction:missing']\n";
  const { problems } = loadRegistry(loadText(text, "w.yaml"), recordingPreparers([]));
  assert.equal(problems.length, 1);
  assert.deepEqual(
    [problems[0]?.file, problems[0]?.line, problems[0]?.kind, problems[0]?.name, problems[0]?.message],
    ["w.yaml", 4, "Workflow", "w", "broken: missing"],
  );
});

test("kinds without a preparer are stored with their spec as the prepared value", () => {
  const registry = createRegistry({ preparers: {} });
  const spec = { functionRef: { kind: "ValueFunction", name: "v" } };
  registry.upsert(def("FunctionTest", "t", spec));
  const prepared = registry.get("FunctionTest", "t")?.prepared;
  assert.ok(prepared?.ok && isMap(prepared.value as unknown as ValueMap));
  assert.deepEqual(prepared.value, spec);
});
