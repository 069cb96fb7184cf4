/** CRD-4 / VAL-1: the Ready condition a definition's load result asks for (pure part). */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Definition, KoreoKind, RegistryEntry } from "../../src/definitions/definition.ts";
import { definitionFromObject } from "../../src/definitions/document.ts";
import type { Registry } from "../../src/definitions/registry.ts";
import { createKoreoRegistry } from "../../src/program/registry.ts";
import { desiredConditions, readiness } from "../../src/reconciler/definition-status.ts";
import type { ValueMap } from "../../src/value/value.ts";

function define(kind: KoreoKind, name: string, spec: ValueMap): Definition {
  const definition = definitionFromObject({ apiVersion: "koreo.dev/v1beta1", kind, metadata: { name, namespace: "ns", resourceVersion: "1" }, spec });
  assert.ok("spec" in definition, "fixture is a definition");
  return definition;
}

function entryOf(registry: Registry, kind: KoreoKind, name: string): RegistryEntry {
  const entry = registry.get(kind, name);
  assert.ok(entry !== undefined, `${kind}:${name} is cached`);
  return entry;
}

function program(): Registry {
  const registry = createKoreoRegistry();
  registry.upsert(define("ValueFunction", "good", { return: { value: "=inputs.x" } }));
  registry.upsert(define("ValueFunction", "broken", { return: { value: "=inputs.x +" } }));
  registry.upsert(define("Workflow", "lonely", { steps: [{ label: "first", ref: { kind: "ValueFunction", name: "absent" } }] }));
  registry.upsert(define("Workflow", "unhealthy", { steps: [{ label: "first", ref: { kind: "ValueFunction", name: "broken" } }] }));
  return registry;
}

test("CRD-4 / VAL-1: a prepared definition is Ready True, reason Prepared", () => {
  const registry = program();
  assert.deepEqual(readiness(entryOf(registry, "ValueFunction", "good"), registry), { status: "True", reason: "Prepared", message: "Prepared." });
});

test("CRD-4 / VAL-1: a definition that failed to prepare is Ready False, reason PrepareFailed, with the PermFail message", () => {
  const registry = program();
  const entry = entryOf(registry, "ValueFunction", "broken");
  assert.ok(!entry.prepared.ok);
  assert.deepEqual(readiness(entry, registry), { status: "False", reason: "PrepareFailed", message: entry.prepared.outcome.message });
});

test("CRD-4 / REG-3 / WF-7: a Workflow naming a function that is not cached is DependencyMissing; one naming an unhealthy function is PrepareFailed", () => {
  const registry = program();
  const lonely = readiness(entryOf(registry, "Workflow", "lonely"), registry);
  assert.equal(lonely.status, "False");
  assert.equal(lonely.reason, "DependencyMissing");
  assert.match(lonely.message, /'ValueFunction:absent' not cached/);
  const unhealthy = readiness(entryOf(registry, "Workflow", "unhealthy"), registry);
  assert.deepEqual([unhealthy.status, unhealthy.reason], ["False", "PrepareFailed"]);
  assert.match(unhealthy.message, /'ValueFunction:broken' is not healthy/);
});

test("CRD-4 / COND-1: a new Ready condition carries observedGeneration and both times; other conditions are kept", () => {
  const other = { type: "Linted", status: "True" };
  const conditions = desiredConditions({ status: "True", reason: "Prepared", message: "Prepared." }, { conditions: [other] }, 3, "2026-01-01T00:00:00.000Z");
  assert.deepEqual(conditions, [
    other,
    {
      type: "Ready",
      status: "True",
      reason: "Prepared",
      message: "Prepared.",
      lastUpdateTime: "2026-01-01T00:00:00.000Z",
      lastTransitionTime: "2026-01-01T00:00:00.000Z",
      observedGeneration: 3,
    },
  ]);
});

test("CRD-4: no write when the live Ready condition already says the same for this generation", () => {
  const live = {
    conditions: [
      { type: "Ready", status: "True", reason: "Prepared", message: "Prepared.", observedGeneration: 3, lastTransitionTime: "2025-01-01T00:00:00.000Z" },
    ],
  };
  assert.equal(desiredConditions({ status: "True", reason: "Prepared", message: "Prepared." }, live, 3, "2026-01-01T00:00:00.000Z"), undefined);
});

test("CRD-4 / COND-1: a new generation or message with the same status keeps lastTransitionTime; a status change moves it", () => {
  const live = {
    conditions: [
      { type: "Ready", status: "False", reason: "PrepareFailed", message: "old", observedGeneration: 1, lastTransitionTime: "2025-01-01T00:00:00.000Z" },
    ],
  };
  const now = "2026-01-01T00:00:00.000Z";
  const [same] = desiredConditions({ status: "False", reason: "DependencyMissing", message: "new" }, live, 2, now) ?? [];
  assert.deepEqual(same, {
    type: "Ready",
    status: "False",
    reason: "DependencyMissing",
    message: "new",
    observedGeneration: 2,
    lastTransitionTime: "2025-01-01T00:00:00.000Z",
    lastUpdateTime: now,
  });
  const [moved] = desiredConditions({ status: "True", reason: "Prepared", message: "Prepared." }, live, 2, now) ?? [];
  assert.ok(moved !== null && typeof moved === "object" && !Array.isArray(moved));
  assert.equal((moved as ValueMap).lastTransitionTime, now);
});
