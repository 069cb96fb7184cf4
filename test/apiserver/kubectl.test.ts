/** kubectl as an independent client: discovery, OpenAPI-validated apply, SSA, watch, patch, delete. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { FOO_CRD, harness, kubectl, readUntil } from "../support/apiserver.ts";

const foo = (name: string, size: number, extra: object = {}): object => ({
  apiVersion: "example.com/v1",
  kind: "Foo",
  metadata: { name, namespace: "default", ...extra },
  spec: { size },
});

test("kubectl applies a CRD and custom resources, client-side and server-side", { timeout: 120_000 }, async () => {
  const h = await harness();
  try {
    const k = kubectl(h);
    const crd = await k.run(["apply", "-f", k.file("crd.yaml", stringify(FOO_CRD))]);
    assert.equal(crd.code, 0, crd.stderr);
    assert.match(crd.stdout, /customresourcedefinition.apiextensions.k8s.io\/foos.example.com created/);

    const csa = await k.run(["apply", "-f", k.file("a.yaml", stringify(foo("a", 1)))]);
    assert.equal(csa.code, 0, csa.stderr);
    assert.match(csa.stdout, /foo.example.com\/a created/);
    const again = await k.run(["apply", "-f", k.file("a2.yaml", stringify(foo("a", 2)))]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /configured/);

    const ssa = await k.run(["apply", "--server-side", "-f", k.file("b.yaml", stringify(foo("b", 3)))]);
    assert.equal(ssa.code, 0, ssa.stderr);
    assert.match(ssa.stdout, /serverside-applied/);

    const got = await k.run(["get", "foo", "a", "-o", "yaml"]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /size: 2/);
    assert.match(got.stdout, /color: blue/, "schema default applied");
    const short = await k.run(["get", "fo", "-o", "name"]);
    assert.equal(short.stdout.trim().split("\n").sort().join(","), "foo.example.com/a,foo.example.com/b");
    const b = await h.req("GET", "/apis/example.com/v1/namespaces/default/foos/b");
    assert.equal(b.body.metadata.managedFields[0].manager, "kubectl");
    assert.equal(b.body.metadata.managedFields[0].fieldsType, "FieldsV1");
  } finally {
    await h.close();
  }
});

test("kubectl patch (merge and json), get -w sees the update", { timeout: 120_000 }, async () => {
  const h = await harness();
  const k = kubectl(h);
  assert.equal(
    (await k.run(["apply", "-f", k.file("cm.yaml", stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "w" }, data: { v: "one" } }))])).code,
    0,
  );
  // Watching a named object needs it to exist first; the watch prints its value on every change.
  const watcher = k.spawn(["get", "configmap", "w", "-w", "-o", 'jsonpath={.data.v}{"\\n"}']);
  try {
    await readUntil(watcher, (out) => out.includes("one"));
    const merge = await k.run(["patch", "configmap", "w", "--type", "merge", "-p", '{"data":{"v":"two"}}']);
    assert.equal(merge.code, 0, merge.stderr);
    const json = await k.run(["patch", "configmap", "w", "--type", "json", "-p", '[{"op":"replace","path":"/data/v","value":"three"}]']);
    assert.equal(json.code, 0, json.stderr);
    const failedTest = await k.run(["patch", "configmap", "w", "--type", "json", "-p", '[{"op":"test","path":"/data/v","value":"nope"}]']);
    assert.notEqual(failedTest.code, 0);
    const seen = await readUntil(watcher, (out) => out.includes("three"));
    assert.match(seen, /three/);
    const cm = await h.req("GET", "/api/v1/namespaces/default/configmaps/w");
    assert.equal(cm.body.data.v, "three");
  } finally {
    watcher.kill("SIGKILL");
    await h.close();
  }
});

test("kubectl delete of an owner removes owned objects; wait --for=delete returns", { timeout: 120_000 }, async () => {
  const h = await harness();
  try {
    const k = kubectl(h);
    const owner = await h.req("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "owner" } });
    const ownerRef = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.body.metadata.uid };
    for (const name of ["child-1", "child-2"]) {
      const r = await h.req("POST", "/api/v1/namespaces/default/secrets", { metadata: { name, ownerReferences: [ownerRef] } });
      assert.equal(r.status, 201);
    }
    const waiter = k.run(["wait", "--for=delete", "secret/child-1", "--timeout=60s"]);
    const del = await k.run(["delete", "configmap", "owner"]);
    assert.equal(del.code, 0, del.stderr);
    const waited = await waiter;
    assert.equal(waited.code, 0, waited.stderr);
    const left = await k.run(["get", "secrets", "-o", "name"]);
    assert.equal(left.stdout.trim(), "");
  } finally {
    await h.close();
  }
});
