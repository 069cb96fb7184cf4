/** Server-side printing: `Accept: application/json;as=Table;g=meta.k8s.io;v=v1` gets a Table, as kubectl get asks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { FOO_CRD, harness, kubectl, readUntil, type Harness } from "../support/apiserver.ts";

/** What kubectl 1.32 sends on `kubectl get`. */
const KUBECTL_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

async function getJson(h: Harness, path: string, accept: string) {
  const res = await fetch(`${h.server.url}${path}`, { headers: { accept } });
  return { status: res.status, body: (await res.json()) as ReturnType<typeof JSON.parse> };
}

const FOO_WITH_COLUMNS = (() => {
  const crd = structuredClone(FOO_CRD) as ReturnType<typeof JSON.parse>;
  crd.spec.versions[0].additionalPrinterColumns = [
    { name: "Size", type: "integer", jsonPath: ".spec.size" },
    { name: "Color", type: "string", jsonPath: ".spec.color", priority: 1 },
    { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ];
  return crd;
})();

test("a list asked as Table: column definitions, cells, PartialObjectMetadata rows", async () => {
  const h = await harness();
  try {
    await h.req("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "cm", labels: { a: "b" } }, data: { x: "1", y: "2" } });
    const r = await getJson(h, "/api/v1/namespaces/default/configmaps", KUBECTL_ACCEPT);
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, "Table");
    assert.equal(r.body.apiVersion, "meta.k8s.io/v1");
    assert.ok(r.body.metadata.resourceVersion);
    assert.deepEqual(
      r.body.columnDefinitions.map((c: { name: string }) => c.name),
      ["Name", "Data", "Age"],
    );
    assert.equal(r.body.columnDefinitions[0].format, "name");
    assert.equal(r.body.rows.length, 1);
    const [row] = r.body.rows;
    assert.deepEqual(row.cells.slice(0, 2), ["cm", 2]);
    assert.match(row.cells[2], /^\d+s$/);
    assert.equal(row.object.kind, "PartialObjectMetadata");
    assert.equal(row.object.apiVersion, "meta.k8s.io/v1");
    assert.equal(row.object.metadata.name, "cm");
    assert.deepEqual(row.object.metadata.labels, { a: "b" });
    assert.equal(row.object.data, undefined);
  } finally {
    await h.close();
  }
});

test("Table: single GET, includeObject=Object and None, v1beta1, and plain JSON without the Table media type", async () => {
  const h = await harness();
  try {
    const one = await getJson(h, "/api/v1/namespaces/default", KUBECTL_ACCEPT);
    assert.equal(one.body.kind, "Table");
    assert.deepEqual(one.body.rows[0].cells.slice(0, 2), ["default", "Active"]);
    assert.deepEqual(
      one.body.columnDefinitions.map((c: { name: string }) => c.name),
      ["Name", "Status", "Age"],
    );
    const full = await getJson(h, "/api/v1/namespaces/default?includeObject=Object", KUBECTL_ACCEPT);
    assert.equal(full.body.rows[0].object.kind, "Namespace");
    assert.equal(full.body.rows[0].object.status.phase, "Active");
    const none = await getJson(h, "/api/v1/namespaces?includeObject=None", KUBECTL_ACCEPT);
    assert.equal(none.body.rows[0].object, undefined);
    const beta = await getJson(h, "/api/v1/namespaces", "application/json;as=Table;v=v1beta1;g=meta.k8s.io");
    assert.equal(beta.body.apiVersion, "meta.k8s.io/v1beta1");
    const plain = await getJson(h, "/api/v1/namespaces", "application/json");
    assert.equal(plain.body.kind, "NamespaceList");
  } finally {
    await h.close();
  }
});

test("Table for custom resources: NAME plus the CRD's additionalPrinterColumns (JSONPath filters included); AGE alone without them", async () => {
  const h = await harness();
  try {
    assert.equal((await h.req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", FOO_WITH_COLUMNS)).status, 201);
    await h.req("POST", "/apis/example.com/v1/namespaces/default/foos", { metadata: { name: "a" }, spec: { size: 3 } });
    const status = {
      status: {
        conditions: [
          { type: "Synced", status: "False" },
          { type: "Ready", status: "True" },
        ],
      },
    };
    assert.equal((await h.req("PATCH", "/apis/example.com/v1/namespaces/default/foos/a/status", status, "application/merge-patch+json")).status, 200);
    const r = await getJson(h, "/apis/example.com/v1/namespaces/default/foos", KUBECTL_ACCEPT);
    const columns = r.body.columnDefinitions.map((c: { name: string; type: string; priority: number }) => [c.name, c.type, c.priority]);
    assert.deepEqual(columns, [
      ["Name", "string", 0],
      ["Size", "integer", 0],
      ["Color", "string", 1],
      ["Ready", "string", 0],
      ["Age", "date", 0],
    ]);
    const cells = r.body.rows[0].cells;
    assert.deepEqual(cells.slice(0, 4), ["a", 3, "blue", "True"]);
    assert.match(cells[4], /^\d+s$/, "dates print as ages");

    const plainCrd = structuredClone(FOO_CRD) as ReturnType<typeof JSON.parse>;
    plainCrd.metadata.name = "bars.example.com";
    plainCrd.spec.names = { kind: "Bar", plural: "bars", singular: "bar", listKind: "BarList" };
    await h.req("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", plainCrd);
    const bars = await getJson(h, "/apis/example.com/v1/namespaces/default/bars", KUBECTL_ACCEPT);
    assert.deepEqual(
      bars.body.columnDefinitions.map((c: { name: string }) => c.name),
      ["Name", "Age"],
    );
  } finally {
    await h.close();
  }
});

test("kubectl get prints server columns for built-in kinds and custom resources; -o yaml/json stay objects", { timeout: 120_000 }, async () => {
  const h = await harness();
  try {
    const k = kubectl(h);
    assert.equal((await k.run(["apply", "-f", k.file("crd.yaml", stringify(FOO_WITH_COLUMNS))])).code, 0);
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } };
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "nginx:1.27" }] } },
      },
    };
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { a: "1" } };
    const foo = { apiVersion: "example.com/v1", kind: "Foo", metadata: { name: "a" }, spec: { size: 3 } };
    const applied = await k.run(["apply", "-f", k.file("all.yaml", [svc, deployment, cm, foo].map((o) => stringify(o)).join("---\n"))]);
    assert.equal(applied.code, 0, applied.stderr);

    const services = await k.run(["get", "services"]);
    assert.match(services.stdout, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\n/);
    assert.match(services.stdout, /\nweb\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s\n/);
    const wide = await k.run(["get", "services", "-o", "wide"]);
    assert.match(wide.stdout, /SELECTOR/);
    assert.match(wide.stdout, /app=web/);
    const deployments = await k.run(["get", "deployments"]);
    assert.match(deployments.stdout, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    assert.match(deployments.stdout, /\nweb\s+0\/2\s+0\s+0\s+\d+s\n/);
    const configmaps = await k.run(["get", "configmap", "settings"]);
    assert.match(configmaps.stdout, /^NAME\s+DATA\s+AGE\nsettings\s+1\s+\d+s\n$/);
    const namespaces = await k.run(["get", "namespaces"]);
    assert.match(namespaces.stdout, /^NAME\s+STATUS\s+AGE\n/);
    assert.match(namespaces.stdout, /\ndefault\s+Active\s+\d+s\n/);
    const foos = await k.run(["get", "foos"]);
    // A column whose path finds nothing is an empty cell, printed blank as on a real cluster.
    assert.match(foos.stdout, /^NAME\s+SIZE\s+READY\s+AGE\na\s+3\s+\d+s\n$/);
    const foosWide = await k.run(["get", "foos", "-o", "wide"]);
    assert.match(foosWide.stdout, /^NAME\s+SIZE\s+COLOR\s+READY\s+AGE\na\s+3\s+blue\s+\d+s\n$/);
    const labels = await k.run(["get", "configmaps", "--show-labels"]);
    assert.match(labels.stdout, /LABELS/);
    for (const [name, tier] of [
      ["x", "2"],
      ["y", "1"],
    ])
      await h.req("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name, labels: { tier } } });
    // --sort-by asks for includeObject=Object; -L reads labels off the rows' metadata.
    const sorted = await k.run(["get", "configmaps", "-l", "tier", "--sort-by=.metadata.labels.tier", "-L", "tier"]);
    assert.match(sorted.stdout, /^NAME\s+DATA\s+AGE\s+TIER\ny\s+0\s+\d+s\s+1\nx\s+0\s+\d+s\s+2\n$/);

    const yaml = await k.run(["get", "service", "web", "-o", "yaml"]);
    assert.match(yaml.stdout, /^apiVersion: v1\nkind: Service\n/);
    assert.match(yaml.stdout, /clusterIP: 10\./);
    const json = JSON.parse((await k.run(["get", "foos", "-o", "json"])).stdout);
    assert.equal(json.kind, "List");
    assert.equal(json.items[0].kind, "Foo");
    assert.equal(json.items[0].spec.size, 3);
  } finally {
    await h.close();
  }
});

test("kubectl get -w prints rows for changes (watch events carry Tables)", { timeout: 120_000 }, async () => {
  const h = await harness();
  const k = kubectl(h);
  await h.req("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "first" }, data: { a: "1" } });
  const watcher = k.spawn(["get", "configmaps", "-w"]);
  try {
    await readUntil(watcher, (out) => /first\s+1\s+\d+s/.test(out));
    await h.req("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "second" }, data: { a: "1", b: "2" } });
    const out = await readUntil(watcher, (o) => /second\s+2\s+\d+s/.test(o));
    assert.equal(out.match(/^NAME/gm)?.length, 1, "one header");
  } finally {
    watcher.kill("SIGKILL");
    await h.close();
  }
});
