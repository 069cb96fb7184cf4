/**
 * Versions across requests: paginated lists stay at the first page's
 * resourceVersion, lists and continue tokens past the retained history get 410,
 * streaming watches end their initial events with the `k8s.io/initial-events-end`
 * bookmark, and CRD schema errors read as kube-apiserver words them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { FOO_CRD, harness, kubectl, rawWatch, type Harness } from "../support/apiserver.ts";

const CMS = "/api/v1/namespaces/default/configmaps";

async function createConfigMaps(h: Harness, names: string[]): Promise<void> {
  for (const name of names) assert.equal((await h.req("POST", CMS, { metadata: { name }, data: { v: "1" } })).status, 201);
}

const names = (list: { items: { metadata: { name: string } }[] }): string[] => list.items.map((i) => i.metadata.name);

test("pages after the first are listed at the first page's resourceVersion", { timeout: 60_000 }, async () => {
  const h = await harness();
  try {
    await createConfigMaps(h, ["a", "b", "c", "d"]);
    const first = await h.req("GET", `${CMS}?limit=2`);
    assert.deepEqual(names(first.body), ["a", "b"]);
    const rv = first.body.metadata.resourceVersion;
    // Changes after the first page: not visible in later pages.
    await h.req("DELETE", `${CMS}/c`);
    await createConfigMaps(h, ["bb", "e"]);
    await h.req("PATCH", `${CMS}/d`, { data: { v: "2" } }, "application/merge-patch+json");
    const second = await h.req("GET", `${CMS}?limit=2&continue=${first.body.metadata.continue}`);
    assert.equal(second.status, 200);
    assert.equal(second.body.metadata.resourceVersion, rv);
    assert.deepEqual(names(second.body), ["c", "d"]);
    assert.equal(second.body.items[1].data.v, "1");
    assert.equal(second.body.metadata.continue, undefined);
    // A fresh list sees the present.
    assert.deepEqual(names((await h.req("GET", CMS)).body), ["a", "b", "bb", "d", "e"]);
    const exact = await h.req("GET", `${CMS}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    assert.deepEqual(names(exact.body), ["a", "b", "c", "d"]);
    assert.equal(exact.body.metadata.resourceVersion, rv);
    const future = await h.req("GET", `${CMS}?resourceVersion=999999&resourceVersionMatch=NotOlderThan`);
    assert.equal(future.status, 504);
  } finally {
    await h.close();
  }
});

test("a resourceVersion or continue token older than the retained history gets 410", { timeout: 60_000 }, async () => {
  const h = await harness({ eventHistory: 3 });
  try {
    await createConfigMaps(h, ["a", "b", "c"]);
    const first = await h.req("GET", `${CMS}?limit=1`);
    const rv = first.body.metadata.resourceVersion;
    await createConfigMaps(h, ["d", "e", "f", "g"]);
    const cont = await h.req("GET", `${CMS}?limit=1&continue=${first.body.metadata.continue}`);
    assert.equal(cont.status, 410);
    assert.equal(cont.body.reason, "Expired");
    const exact = await h.req("GET", `${CMS}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    assert.equal(exact.status, 410);
    assert.equal(exact.body.reason, "Gone");
    assert.match(exact.body.message, /too old resource version/);
  } finally {
    await h.close();
  }
});

test("sendInitialEvents=true: the current state, the initial-events-end bookmark, then live events", { timeout: 60_000 }, async () => {
  const h = await harness();
  try {
    await createConfigMaps(h, ["a", "b"]);
    const bad = await h.req("GET", `${CMS}?watch=true&sendInitialEvents=true`);
    assert.equal(bad.status, 422);
    assert.match(bad.body.message, /resourceVersionMatch: Forbidden/);
    const w = await rawWatch(`${h.server.url}${CMS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    try {
      const initial = await w.take(3);
      assert.deepEqual(
        initial.map((e) => `${e.type}:${e.object.metadata.name ?? ""}`),
        ["ADDED:a", "ADDED:b", "BOOKMARK:"],
      );
      assert.deepEqual(initial[2]!.object.metadata.annotations, { "k8s.io/initial-events-end": "true" });
      assert.equal(initial[2]!.object.metadata.resourceVersion, initial[1]!.object.metadata.resourceVersion);
      await createConfigMaps(h, ["c"]);
      const live = await w.until((e) => e.some((x) => x.type === "ADDED" && x.object.metadata.name === "c"));
      assert.equal(live.filter((e) => e.type === "ADDED").length, 3);
    } finally {
      w.close();
    }
    const quiet = await rawWatch(`${h.server.url}${CMS}?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan`);
    try {
      await createConfigMaps(h, ["d"]);
      const events = await quiet.take(1);
      assert.equal(events[0]!.object.metadata.name, "d", "no initial events before the live one");
    } finally {
      quiet.close();
    }
  } finally {
    await h.close();
  }
});

test("CRD schema violations name the field as kube-apiserver does", { timeout: 120_000 }, async () => {
  const h = await harness({ tls: true });
  try {
    const crd = structuredClone(FOO_CRD);
    const spec = crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec as Record<string, unknown>;
    spec["required"] = ["size"];
    (spec["properties"] as Record<string, unknown>)["mode"] = { type: "string", enum: ["fast", "slow"] };
    const k = kubectl(h);
    assert.equal((await k.run(["apply", "-f", k.file("crd.yaml", stringify(crd))])).code, 0);
    const foo = (name: string, fooSpec: object): string =>
      k.file(`${name}.yaml`, stringify({ apiVersion: "example.com/v1", kind: "Foo", metadata: { name }, spec: fooSpec }));
    const missing = await k.run(["apply", "-f", foo("missing", { color: "red" })]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /The Foo "missing" is invalid: spec.size: Required value/);
    const wrong = await h.req("POST", "/apis/example.com/v1/namespaces/default/foos", {
      metadata: { name: "wrong" },
      spec: { size: "big", counter: -1, mode: "medium" },
    });
    assert.equal(wrong.status, 422);
    assert.match(wrong.body.message, /^Foo.example.com "wrong" is invalid: \[.*\]$/);
    assert.match(wrong.body.message, /spec.mode: Unsupported value: "medium": supported values: "fast", "slow"/);
    assert.match(wrong.body.message, /spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"/);
    assert.deepEqual(
      wrong.body.details.causes.find((c: { field: string }) => c.field === "spec.size"),
      {
        reason: "FieldValueInvalid",
        message: 'Invalid value: "string": spec.size in body must be of type integer: "string"',
        field: "spec.size",
      },
    );
    assert.equal(wrong.body.details.kind, "Foo");
    assert.equal(wrong.body.details.group, "example.com");
    const negative = await h.req("POST", "/apis/example.com/v1/namespaces/default/foos", { metadata: { name: "neg" }, spec: { size: -1 } });
    assert.equal(negative.body.details.causes[0].message, "Invalid value: -1: spec.size in body should be greater than or equal to 0");
  } finally {
    await h.close();
  }
});
