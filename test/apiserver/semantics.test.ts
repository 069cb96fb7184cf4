/** Object semantics over HTTP: metadata, status subresource, finalizers, cascading, SSA, CRDs, persistence. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FOO_CRD, harness, type Harness } from "../support/apiserver.ts";

const FOOS = "/apis/example.com/v1/namespaces/default/foos";
const CMS = "/api/v1/namespaces/default/configmaps";
const MERGE = "application/merge-patch+json";
const APPLY = "application/apply-patch+yaml";

async function withFoos(h: Harness): Promise<void> {
  const r = await h.req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", FOO_CRD);
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

test("generation follows spec only; status subresource splits writes", { timeout: 60_000 }, async () => {
  const h = await harness();
  try {
    await withFoos(h);
    const created = await h.req("POST", FOOS, {
      apiVersion: "example.com/v1",
      kind: "Foo",
      metadata: { name: "a" },
      spec: { size: 1 },
      status: { ignored: true },
    });
    assert.equal(created.body.metadata.generation, 1);
    assert.equal(created.body.status, undefined, "status is not settable on create");
    const labelled = await h.req("PATCH", `${FOOS}/a`, { metadata: { labels: { x: "y" } }, status: { main: true } }, MERGE);
    assert.equal(labelled.body.metadata.generation, 1);
    assert.equal(labelled.body.status, undefined, "main endpoint ignores status");
    const status = await h.req("PATCH", `${FOOS}/a/status`, { spec: { size: 99 }, status: { ready: true } }, MERGE);
    assert.deepEqual(status.body.status, { ready: true });
    assert.equal(status.body.spec.size, 1, "status endpoint ignores spec");
    assert.equal(status.body.metadata.generation, 1);
    const spec = await h.req("PATCH", `${FOOS}/a`, { spec: { size: 2 } }, MERGE);
    assert.equal(spec.body.metadata.generation, 2);
    const noop = await h.req("PATCH", `${FOOS}/a`, { spec: { size: 2 } }, MERGE);
    assert.equal(noop.body.metadata.resourceVersion, spec.body.metadata.resourceVersion, "no-op writes keep the resourceVersion");
    const stale = await h.req("PUT", `${FOOS}/a`, {
      ...spec.body,
      metadata: { ...spec.body.metadata, resourceVersion: created.body.metadata.resourceVersion },
    });
    assert.equal(stale.status, 409);
  } finally {
    await h.close();
  }
});

test("CRD schema: defaults, pruning, Strict field validation, 422 on invalid, dryRun, deletion withdraws the kind", { timeout: 60_000 }, async () => {
  const h = await harness();
  try {
    await withFoos(h);
    const pruned = await h.req("POST", FOOS, { metadata: { name: "p" }, spec: { size: 1, bogus: 1, free: { any: { thing: 1 } } } });
    assert.equal(pruned.status, 201);
    assert.equal(pruned.body.spec.bogus, undefined);
    assert.equal(pruned.body.spec.color, "blue");
    assert.deepEqual(pruned.body.spec.free, { any: { thing: 1 } });
    const strict = await h.req("POST", `${FOOS}?fieldValidation=Strict`, { metadata: { name: "s" }, spec: { bogus: 1 } });
    assert.equal(strict.status, 400);
    assert.match(strict.body.message, /unknown field "spec.bogus"/);
    const bad = await h.req("POST", FOOS, { metadata: { name: "bad" }, spec: { size: -1 } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.reason, "Invalid");
    const dry = await h.req("POST", `${FOOS}?dryRun=All`, { metadata: { name: "dry" }, spec: { size: 1 } });
    assert.equal(dry.status, 201);
    assert.equal((await h.req("GET", `${FOOS}/dry`)).status, 404);
    const discovery = await h.req("GET", "/apis/example.com/v1");
    assert.deepEqual(
      discovery.body.resources.map((r: { name: string }) => r.name),
      ["foos", "foos/status"],
    );
    assert.equal((await h.req("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/foos.example.com")).status, 200);
    assert.equal((await h.req("GET", FOOS)).status, 404);
    await withFoos(h);
    assert.equal((await h.req("GET", FOOS)).body.items.length, 0, "objects went with their CRD");
  } finally {
    await h.close();
  }
});

test("finalizers hold deletion; foreground waits for blocking dependents; orphan keeps them", { timeout: 60_000 }, async () => {
  const h = await harness();
  try {
    await h.req("POST", CMS, { metadata: { name: "held", finalizers: ["example.com/hold"] } });
    const terminating = await h.req("DELETE", `${CMS}/held`);
    assert.ok(terminating.body.metadata.deletionTimestamp);
    assert.equal((await h.req("GET", `${CMS}/held`)).status, 200);
    await h.req("PATCH", `${CMS}/held`, { metadata: { finalizers: null } }, MERGE);
    assert.equal((await h.req("GET", `${CMS}/held`)).status, 404);

    const owner = await h.req("POST", CMS, { metadata: { name: "owner" } });
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.body.metadata.uid, blockOwnerDeletion: true };
    await h.req("POST", CMS, { metadata: { name: "child", ownerReferences: [ref], finalizers: ["example.com/slow"] } });
    const fg = await h.req("DELETE", `${CMS}/owner`, { propagationPolicy: "Foreground" });
    assert.ok(fg.body.metadata.finalizers.includes("foregroundDeletion"));
    assert.equal((await h.req("GET", `${CMS}/owner`)).status, 200, "owner waits for its blocking child");
    await h.req("PATCH", `${CMS}/child`, { metadata: { finalizers: null } }, MERGE);
    assert.equal((await h.req("GET", `${CMS}/child`)).status, 404);
    assert.equal((await h.req("GET", `${CMS}/owner`)).status, 404);

    const o2 = await h.req("POST", CMS, { metadata: { name: "o2" } });
    await h.req("POST", CMS, { metadata: { name: "kept", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "o2", uid: o2.body.metadata.uid }] } });
    await h.req("DELETE", `${CMS}/o2?propagationPolicy=Orphan`);
    const kept = await h.req("GET", `${CMS}/kept`);
    assert.equal(kept.status, 200);
    assert.equal(kept.body.metadata.ownerReferences, undefined);
  } finally {
    await h.close();
  }
});

test("server-side apply: ownership, conflicts, force, and removal of fields a manager stops applying", { timeout: 60_000 }, async () => {
  const h = await harness();
  try {
    const cm = (data: Record<string, string>): object => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s" }, data });
    const first = await h.req("PATCH", `${CMS}/s?fieldManager=alice`, cm({ a: "1", b: "1" }), APPLY);
    assert.equal(first.status, 201);
    const entry = first.body.metadata.managedFields[0];
    assert.deepEqual(
      { manager: entry.manager, operation: entry.operation, fieldsType: entry.fieldsType },
      { manager: "alice", operation: "Apply", fieldsType: "FieldsV1" },
    );
    assert.deepEqual(entry.fieldsV1, { "f:data": { "f:a": {}, "f:b": {} } });
    const clash = await h.req("PATCH", `${CMS}/s?fieldManager=bob`, cm({ a: "2" }), APPLY);
    assert.equal(clash.status, 409);
    assert.match(clash.body.message, /conflict with "alice"/);
    const shared = await h.req("PATCH", `${CMS}/s?fieldManager=bob`, cm({ a: "1" }), APPLY);
    assert.equal(shared.status, 200, "same value: shared ownership, no conflict");
    const forced = await h.req("PATCH", `${CMS}/s?fieldManager=bob&force=true`, cm({ a: "3" }), APPLY);
    assert.equal(forced.body.data.a, "3");
    const dropped = await h.req("PATCH", `${CMS}/s?fieldManager=alice`, cm({ a: "3" }), APPLY);
    assert.deepEqual(dropped.body.data, { a: "3" }, "b was only alice's and she stopped applying it");
    const updated = await h.req("PATCH", `${CMS}/s?fieldManager=carol`, { data: { c: "1" } }, MERGE);
    const carol = updated.body.metadata.managedFields.find((e: { manager: string }) => e.manager === "carol");
    assert.deepEqual(carol.fieldsV1, { "f:data": { "f:c": {} } });
    assert.equal(carol.operation, "Update");
  } finally {
    await h.close();
  }
});

test("selectors, pagination and strategic merge of containers", { timeout: 60_000 }, async () => {
  const h = await harness();
  try {
    for (const [name, tier] of [
      ["a", "web"],
      ["b", "db"],
      ["c", "web"],
      ["d", ""],
    ] as const) {
      await h.req("POST", CMS, { metadata: { name, labels: tier === "" ? {} : { tier } } });
    }
    const names = async (q: string): Promise<string> =>
      (await h.req("GET", `${CMS}?${q}`)).body.items
        .map((i: { metadata: { name: string } }) => i.metadata.name)
        .sort()
        .join(",");
    assert.equal(await names("labelSelector=tier%3Dweb"), "a,c");
    assert.equal(await names("labelSelector=tier!%3Dweb"), "b,d");
    assert.equal(await names("labelSelector=tier%20in%20(db,web)"), "a,b,c");
    assert.equal(await names("labelSelector=tier%20notin%20(web)"), "b,d");
    assert.equal(await names("labelSelector=!tier"), "d");
    assert.equal(await names("labelSelector=tier"), "a,b,c");
    assert.equal(await names("fieldSelector=metadata.name%3Db"), "b");
    const page1 = await h.req("GET", `${CMS}?limit=3`);
    assert.equal(page1.body.items.length, 3);
    const page2 = await h.req("GET", `${CMS}?limit=3&continue=${page1.body.metadata.continue}`);
    assert.deepEqual(
      page2.body.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ["d"],
    );

    const deploy = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: {
        template: {
          spec: {
            containers: [
              { name: "app", image: "a:1", env: [{ name: "X", value: "1" }] },
              { name: "side", image: "s:1" },
            ],
          },
        },
      },
    };
    await h.req("POST", "/apis/apps/v1/namespaces/default/deployments", deploy);
    const smp = await h.req(
      "PATCH",
      "/apis/apps/v1/namespaces/default/deployments/d",
      { spec: { template: { spec: { containers: [{ name: "app", image: "a:2", env: [{ name: "Y", value: "2" }] }] } } } },
      "application/strategic-merge-patch+json",
    );
    const containers = smp.body.spec.template.spec.containers;
    assert.deepEqual(
      containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`),
      ["app=a:2", "side=s:1"],
    );
    assert.deepEqual(
      containers[0].env.map((e: { name: string }) => e.name),
      ["X", "Y"],
    );
  } finally {
    await h.close();
  }
});

test("a restarted server with a data directory keeps its objects and CRDs", { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "koreo-apiserver-data-"));
  const h1 = await harness({ dataDir });
  let rv: string;
  try {
    await withFoos(h1);
    const created = await h1.req("POST", FOOS, { metadata: { name: "kept" }, spec: { size: 7 } });
    rv = created.body.metadata.resourceVersion;
  } finally {
    await h1.server.close();
  }
  const h2 = await harness({ dataDir });
  try {
    const got = await h2.req("GET", `${FOOS}/kept`);
    assert.equal(got.status, 200);
    assert.equal(got.body.spec.size, 7);
    const next = await h2.req("POST", CMS, { metadata: { name: "after" } });
    assert.ok(Number(next.body.metadata.resourceVersion) > Number(rv), "resourceVersions keep increasing");
  } finally {
    await h2.close();
    rmSync(h1.dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test(
  "re-applying an unchanged CRD writes nothing: resourceVersion, managedFields time and condition lastTransitionTime stay",
  { timeout: 60_000 },
  async () => {
    const h = await harness();
    try {
      const path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/foos.example.com";
      const first = await h.req("PATCH", `${path}?fieldManager=kubectl`, FOO_CRD, APPLY);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      // Timestamps have one-second resolution: without the wait a rewrite could not show.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const again = await h.req("PATCH", `${path}?fieldManager=kubectl`, FOO_CRD, APPLY);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      const put = await h.req("PUT", path, FOO_CRD);
      assert.equal(put.status, 200, JSON.stringify(put.body));
      for (const reply of [again, put]) {
        assert.equal(reply.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
        assert.deepEqual(reply.body.metadata.managedFields, first.body.metadata.managedFields);
        assert.deepEqual(reply.body.status.conditions, first.body.status.conditions);
      }
      const changed = await h.req(
        "PATCH",
        `${path}?fieldManager=kubectl`,
        { ...FOO_CRD, spec: { ...FOO_CRD.spec, names: { ...FOO_CRD.spec.names, shortNames: ["fo", "fu"] } } },
        APPLY,
      );
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.notEqual(changed.body.metadata.resourceVersion, first.body.metadata.resourceVersion, "a real change still writes");
    } finally {
      await h.close();
    }
  },
);
