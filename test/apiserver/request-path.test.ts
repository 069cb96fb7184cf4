/**
 * The shortcuts of the request path answer exactly as the general code would: request
 * targets parsed without the WHATWG parser, list bodies assembled from cached item texts,
 * and what is derived from stored objects kept only until those objects change.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { requestTarget } from "../../src/apiserver/http/server.ts";
import { listJson, objectJson } from "../../src/apiserver/http/respond.ts";
import { ObjectStore } from "../../src/apiserver/store.ts";
import { startApiServer } from "../../src/apiserver/index.ts";
import { clone, type Json, type JsonObject } from "../../src/apiserver/json.ts";
import { parse as parseYaml } from "yaml";

function viaUrl(target: string): { pathname: string; query: string[][] } | "throws" {
  try {
    const url = new URL(target, "http://localhost");
    return { pathname: url.pathname, query: [...url.searchParams] };
  } catch {
    return "throws";
  }
}

function viaRequestTarget(target: string): { pathname: string; query: string[][] } | "throws" {
  try {
    const { pathname, query } = requestTarget(target);
    return { pathname, query: [...query] };
  } catch {
    return "throws";
  }
}

test("request targets: the fast path reads path and query as new URL does", () => {
  const targets = [
    "/api/v1/namespaces/default/configmaps/cm-1",
    "/api/v1/namespaces/default/configmaps?labelSelector=i%20in%20(1,2,3)",
    "/api/v1/namespaces/default/configmaps?labelSelector=a+b&limit=5&continue=eyJhIjoxfQ",
    "/apis/apps/v1/namespaces/x/deployments/web/scale?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
    "/api/v1/namespaces/default/configmaps/ssa-1?fieldManager=bench&force=true",
    "/api/v1/watch?x=1&x=2&=&a==b",
    "/api/v1/namespaces/a%2Fb/configmaps/%41",
    "/api/v1/namespaces/default/configmaps?",
    "/api/v1/namespaces/default/configmaps??a=1",
    "/api/./v1/../v1/namespaces",
    "/api/%2e/v1/%2E%2E/x",
    "/api/v1/.hidden",
    "//evil.example/api",
    "///api",
    "/api\\v1\\pods",
    "/api/v1/pods#frag?x=1",
    "/api/v1/pods?x=1#frag",
    "/api/v1/pods?q=a b\"<>'`{}|^",
    "/api/v1/na mes/é?ü=ß",
    "/api/v1/pods?x=%zz&y=%",
    "/",
    "",
    "*",
  ];
  for (const t of targets) assert.deepEqual(viaRequestTarget(t), viaUrl(t), t);

  // Random targets over the characters that matter (a fixed seed: failures reproduce).
  const pieces = ["a", "Z", "0", "-", ".", "_", "~", "%", "%2e", "%2E", "%41", "%zz", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@"];
  pieces.push("/", "?", "#", " ", "\\", "é", "\t", "[", "]", "{", "`", '"', "<", ">", "..", "//", "?=", "&=");
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 20_000; i++) {
    let t = "/";
    for (let j = random(12); j > 0; j--) t += pieces[random(pieces.length)];
    assert.deepEqual(viaRequestTarget(t), viaUrl(t), JSON.stringify(t));
  }
});

test("list bodies built from item texts are the JSON of the list object", () => {
  const items: JsonObject[] = [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", labels: { "x/y": 'q"uote' } }, data: { k: "é\u2028\n" } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" }, data: { n: 1.5, t: true, z: null, l: [1, { a: [] }] } },
  ];
  const metadata: JsonObject = { resourceVersion: "12", continue: "abc", remainingItemCount: 3 };
  const expected = JSON.stringify({ apiVersion: "example.com/v1", kind: "ThingList", metadata, items });
  assert.equal(listJson("example.com/v1", "ThingList", metadata, items.map(objectJson)), expected);
  assert.equal(listJson("v1", "ConfigMapList", {}, []), JSON.stringify({ apiVersion: "v1", kind: "ConfigMapList", metadata: {}, items: [] }));
  // The cached text is the object's JSON, computed once.
  assert.equal(objectJson(items[0]!), JSON.stringify(items[0]));
  assert.equal(objectJson(items[0]!), objectJson(items[0]!));
});

test("clone copies as structuredClone does: shared values stay shared, __proto__ stays a key, other objects are cloned whole", () => {
  const aliased = parseYaml("a: &x {k: [1, 2]}\nb: *x\nc: [*x]\n") as JsonObject;
  const copy = clone(aliased);
  assert.deepEqual(copy, structuredClone(aliased));
  assert.notEqual(copy["a"], aliased["a"]);
  assert.equal(copy["a"], copy["b"]);
  assert.equal((copy["c"] as Json[])[0], copy["a"]);

  const proto = JSON.parse('{"__proto__": {"a": 1}, "b": [1, {"__proto__": 2}]}') as JsonObject;
  const protoCopy = clone(proto);
  assert.deepEqual(Object.keys(protoCopy), ["__proto__", "b"]);
  assert.equal(Object.getPrototypeOf(protoCopy), Object.prototype);
  assert.equal(JSON.stringify(protoCopy), JSON.stringify(proto));

  const cyclic: Record<string, unknown> = { n: -0 };
  cyclic["self"] = cyclic;
  const cyclicCopy = clone(cyclic as unknown as JsonObject) as unknown as Record<string, unknown>;
  assert.equal(cyclicCopy["self"], cyclicCopy);
  assert.ok(Object.is(cyclicCopy["n"], -0));

  const odd = { when: new Date(0), bytes: new Uint8Array([1, 2]), sparse: [1, , 3], missing: undefined } as unknown as JsonObject;
  const oddCopy = clone(odd) as unknown as { when: Date; bytes: Uint8Array; sparse: unknown[]; missing: undefined };
  assert.ok(oddCopy.when instanceof Date && oddCopy.when.getTime() === 0 && oddCopy.when !== (odd["when"] as unknown));
  assert.deepEqual([...oddCopy.bytes], [1, 2]);
  assert.equal(1 in oddCopy.sparse, false);
  assert.equal(oddCopy.sparse.length, 3);
  assert.ok("missing" in oddCopy);
});

test("a resource's revision changes when one of its objects is stored or removed, and only then", () => {
  const store = new ObjectStore();
  const a: JsonObject = { metadata: { name: "a", namespace: "ns", uid: "1" } };
  assert.equal(store.revision("/configmaps"), 0);
  store.put("/configmaps", a);
  const afterPut = store.revision("/configmaps");
  assert.notEqual(afterPut, 0);
  store.put("/secrets", { metadata: { name: "s", namespace: "ns", uid: "2" } });
  assert.equal(store.revision("/configmaps"), afterPut);
  store.put("/configmaps", { ...a, data: { k: "v" } });
  const afterReplace = store.revision("/configmaps");
  assert.notEqual(afterReplace, afterPut);
  store.remove("/configmaps", { metadata: { name: "missing", namespace: "ns" } });
  assert.equal(store.revision("/configmaps"), afterReplace);
  store.remove("/configmaps", a);
  assert.notEqual(store.revision("/configmaps"), afterReplace);
});

test("gets and lists serve each write's object, never an earlier text of it", async () => {
  const server = await startApiServer();
  try {
    const base = `${server.url}/api/v1/namespaces/default/configmaps`;
    const send = async (method: string, url: string, body?: unknown, contentType = "application/json"): Promise<JsonObject> => {
      const res = await fetch(url, { method, headers: { "content-type": contentType }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      assert.ok(res.status < 300, `${method} ${url}: ${res.status} ${await res.clone().text()}`);
      return (await res.json()) as JsonObject;
    };
    await send("POST", base, { metadata: { name: "c", labels: { app: "x" } }, data: { v: "1" } });
    for (let i = 2; i <= 4; i++) {
      const patched = await send("PATCH", `${base}/c`, { data: { v: String(i) } }, "application/merge-patch+json");
      const got = await send("GET", `${base}/c`);
      assert.deepEqual(got, patched);
      assert.deepEqual((got["data"] as JsonObject)["v"], String(i));
      const listed = await send("GET", `${base}?labelSelector=app%3Dx`);
      assert.deepEqual(listed["items"], [patched]);
    }
    const applied = await send(
      "PATCH",
      `${base}/c?fieldManager=m&force=true`,
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { app: "y" } } },
      "application/apply-patch+yaml",
    );
    assert.deepEqual(await send("GET", `${base}/c`), applied);
    assert.deepEqual((await send("GET", `${base}?labelSelector=app%3Dx`))["items"], []);
    assert.deepEqual((await send("GET", `${base}?labelSelector=app%3Dy`))["items"], [applied]);
  } finally {
    await server.close();
  }
});

test("a Content-Type naming an Object prototype member (constructor, __proto__) is refused with 415, not taken for a format", async () => {
  const { bodyFormat } = await import("../../src/apiserver/http/body.ts");
  for (const type of ["constructor", "__proto__", "toString"])
    assert.throws(
      () => bodyFormat(type),
      (e: { code?: number }) => e.code === 415,
      type,
    );
  assert.equal(bodyFormat("application/json; charset=utf-8"), "json");
});
