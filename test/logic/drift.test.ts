/**
 * Drift detection, pure: fields that differ from the last-applied annotation (RF-19, compared as
 * CMP-1..3 compare), attributed to a field manager through managedFields (fieldsV1), Koreo's own
 * manager being the owner of the annotation.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { differingPaths, driftedFields, objectDrift, ownsPath, renderPath } from "../../src/logic/compare/drift.ts";
import { correctedDrift } from "../../src/logic/resource-function/drift.ts";
import type { Value, ValueMap } from "../../src/value/value.ts";

const LAST_APPLIED = "koreo.dev/last-applied-configuration";

const applied: ValueMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "team-a" }, data: { key: "mine", other: "same" } };

const koreoEntry = (time: string, data: ValueMap = { "f:key": {}, "f:other": {} }): ValueMap => ({
  manager: "unknown",
  operation: "Update",
  apiVersion: "v1",
  time,
  fieldsType: "FieldsV1",
  fieldsV1: { "f:data": data, "f:metadata": { "f:annotations": { [`f:${LAST_APPLIED}`]: {} } } },
});

function live(data: ValueMap, managedFields: Value[]): ValueMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x", namespace: "team-a", uid: "u1", annotations: { [LAST_APPLIED]: JSON.stringify(applied) }, managedFields },
    data,
  };
}

test("CMP-3 / RF-19: a field another manager changed is drift, named by the manager whose fieldsV1 owns it", () => {
  const object = live({ key: "theirs", other: "same" }, [
    koreoEntry("2026-01-01T00:00:00Z", { "f:other": {} }),
    { manager: "kubectl-edit", operation: "Update", apiVersion: "v1", time: "2026-01-01T00:01:00Z", fieldsV1: { "f:data": { "f:key": {} } } },
  ]);
  const drifts = driftedFields(object, applied);
  assert.deepEqual(
    drifts.map((d) => [d.field, d.manager]),
    [["data.key", "kubectl-edit"]],
  );
  assert.deepEqual(objectDrift(object), drifts, "the relay reads the annotation itself");
});

test("RF-19: Koreo's own write never counts (the annotation's owner still owns the field, e.g. a value the server normalised)", () => {
  const object = live({ key: "normalised", other: "same" }, [koreoEntry("2026-01-01T00:00:00Z")]);
  assert.deepEqual(driftedFields(object, applied), []);
});

test("no managedFields, no annotation, or no difference: no drift (nothing can be told apart)", () => {
  assert.deepEqual(driftedFields(live({ key: "theirs", other: "same" }, []), applied), []);
  assert.deepEqual(objectDrift({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { key: "theirs" } }), []);
  assert.deepEqual(driftedFields(live({ key: "mine", other: "same" }, [koreoEntry("t")]), applied), []);
});

test("a removed field nobody owns any more is blamed on the newest other manager that wrote after Koreo", () => {
  const object = live({ other: "same" }, [
    koreoEntry("2026-01-01T00:00:00Z", { "f:other": {} }),
    { manager: "old-tool", operation: "Update", apiVersion: "v1", time: "2025-12-01T00:00:00Z", fieldsV1: { "f:metadata": { "f:labels": { "f:a": {} } } } },
    { manager: "cleaner", operation: "Update", apiVersion: "v1", time: "2026-01-01T00:05:00Z", fieldsV1: { "f:metadata": { "f:labels": { "f:b": {} } } } },
  ]);
  assert.deepEqual(
    driftedFields(object, applied).map((d) => [d.field, d.manager]),
    [["data.key", "cleaner"]],
  );
});

test("CMP-1/CMP-2 walk: only what Koreo applied is compared; null means absent; ownerReferences and identity metadata never drift", () => {
  const lastApplied: Value = { metadata: { name: "x", ownerReferences: [{ uid: "a" }], labels: { app: "a" } }, spec: { n: 2, gone: null, list: [1, 2] } };
  const object: Value = { metadata: { name: "x", resourceVersion: "9", labels: { app: "a", extra: "e" } }, spec: { n: 2.0, list: [1, 3], added: true } };
  assert.deepEqual(differingPaths(lastApplied, object), [["spec", "list", 1]]);
  assert.deepEqual(differingPaths({ spec: { list: [1, 2] } }, { spec: { list: [1] } }), [["spec", "list"]]);
});

test("field paths render like kubectl's, and keyed list items are found through k:{…} entries", () => {
  assert.equal(renderPath(["spec", "containers", 0, "image"]), "spec.containers[0].image");
  assert.equal(renderPath(["metadata", "labels", "app.kubernetes.io/name"]), 'metadata.labels["app.kubernetes.io/name"]');
  const object: Value = { spec: { containers: [{ name: "app", image: "v2" }] } };
  const fields: Value = { "f:spec": { "f:containers": { 'k:{"name":"app"}': { ".": {}, "f:image": {} } } } };
  assert.equal(ownsPath(fields, ["spec", "containers", 0, "image"], object), true);
  assert.equal(ownsPath(fields, ["spec", "containers", 0, "command"], object), false);
  // An atomic list (a leaf) owns everything under it.
  assert.equal(ownsPath({ "f:spec": { "f:args": {} } }, ["spec", "args", 3], { spec: { args: [1, 2, 3, 4] } }), true);
});

test("RF-22 / RF-23: the engine reports drift only for a field its write puts back (target ≠ live there)", () => {
  const object = live({ key: "theirs", other: "same" }, [
    koreoEntry("2026-01-01T00:00:00Z", { "f:other": {} }),
    { manager: "kubectl-edit", operation: "Update", apiVersion: "v1", time: "2026-01-01T00:01:00Z", fieldsV1: { "f:data": { "f:key": {} } } },
  ]);
  const identity = { apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: "team-a" };
  assert.deepEqual(correctedDrift(identity, { data: { key: "mine", other: "changed" } }, object), {
    object: { apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: "team-a" },
    field: "data.key",
    manager: "kubectl-edit",
  });
  // The target no longer sets data.key: this write changes `other` only and undoes nobody's change.
  assert.equal(correctedDrift(identity, { data: { other: "changed" } }, object), undefined);
  // The target now wants what the other writer wrote: nothing to put back.
  assert.equal(correctedDrift(identity, { data: { key: "theirs", other: "changed" } }, object), undefined);
});
