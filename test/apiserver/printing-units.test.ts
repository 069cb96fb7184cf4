/** The pure parts of server-side printing: JSONPath for printer columns, ages, Accept negotiation. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { humanDuration } from "../../src/apiserver/tables/duration.ts";
import { evaluate, JsonPathError, parseJsonPath } from "../../src/apiserver/tables/jsonpath.ts";
import { tableRequest } from "../../src/apiserver/tables/table.ts";
import type { JsonObject } from "../../src/apiserver/json.ts";

const obj: JsonObject = {
  metadata: { name: "a", labels: { "app.kubernetes.io/name": "web" } },
  spec: { ports: [{ port: 80 }, { port: 443 }] },
  status: {
    conditions: [
      { type: "Synced", status: "False" },
      { type: "Ready", status: "True", ok: true },
    ],
  },
};

test("JSONPath: fields, quoted keys, indexes, wildcards and filters", () => {
  const first = (path: string) => evaluate(parseJsonPath(path), obj)[0];
  assert.equal(first(".metadata.name"), "a");
  assert.equal(first("{.metadata.name}"), "a");
  assert.equal(first(".metadata.labels['app.kubernetes.io/name']"), "web");
  assert.equal(first(".spec.ports[1].port"), 443);
  assert.equal(first(".spec.ports[-1].port"), 443);
  assert.deepEqual(evaluate(parseJsonPath(".spec.ports[*].port"), obj), [80, 443]);
  assert.equal(first('.status.conditions[?(@.type=="Ready")].status'), "True");
  assert.equal(first(".status.conditions[?(@.type=='Synced')].status"), "False");
  assert.equal(first('.status.conditions[?(@.type!="Ready")].type'), "Synced");
  assert.equal(first(".status.conditions[?(@.ok)].type"), "Ready");
  assert.equal(first(".status.missing.deeper"), undefined);
  assert.throws(() => parseJsonPath(".a[?(x)]"), JsonPathError);
});

test("ages print as kubectl's HumanDuration does", () => {
  const s = 1000;
  assert.equal(humanDuration(-5 * s), "<invalid>");
  assert.equal(humanDuration(-1 * s), "0s");
  assert.equal(humanDuration(0), "0s");
  assert.equal(humanDuration(119 * s), "119s");
  assert.equal(humanDuration(125 * s), "2m5s");
  assert.equal(humanDuration(600 * s), "10m");
  assert.equal(humanDuration(3 * 3600 * s + 5 * 60 * s), "3h5m");
  assert.equal(humanDuration(10 * 3600 * s), "10h");
  assert.equal(humanDuration(3 * 86400 * s + 3600 * s), "3d1h");
  assert.equal(humanDuration(30 * 86400 * s), "30d");
  assert.equal(humanDuration(3 * 365 * 86400 * s + 2 * 86400 * s), "3y2d");
});

test("Accept negotiation: the first Table entry in meta.k8s.io v1 or v1beta1 wins; anything else is plain JSON", () => {
  assert.deepEqual(tableRequest("application/json;as=Table;v=v1;g=meta.k8s.io,application/json", null), {
    apiVersion: "meta.k8s.io/v1",
    includeObject: "Metadata",
  });
  assert.deepEqual(tableRequest("application/json; as=Table; g=meta.k8s.io; v=v1beta1", "Object"), {
    apiVersion: "meta.k8s.io/v1beta1",
    includeObject: "Object",
  });
  assert.equal(tableRequest("application/json", null), undefined);
  assert.equal(tableRequest(undefined, null), undefined);
  assert.equal(tableRequest("application/json;as=Table;v=v2;g=meta.k8s.io,application/json", null), undefined);
  assert.equal(tableRequest("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io", null), undefined);
});
