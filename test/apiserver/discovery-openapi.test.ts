/**
 * Discovery and OpenAPI as kubectl relies on them: CRD categories and short names,
 * `all` only on built-in workload kinds, CRD schemas for `kubectl explain`, and
 * patch types that make `kubectl apply` of a custom resource use a JSON merge patch.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { stringify } from "yaml";
import { harness, kubectl } from "../support/apiserver.ts";

const AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2";
const CRDS = join(import.meta.dirname, "../../infra/crds");

const valueFunction = (name: string, value: string): object => ({
  apiVersion: "koreo.dev/v1beta1",
  kind: "ValueFunction",
  metadata: { name, namespace: "default" },
  spec: { return: { value } },
});

test("legacy and aggregated discovery list CRD categories and short names; `all` only on built-in workload kinds", async () => {
  const h = await harness();
  try {
    const k = kubectl(h);
    const crds = await k.run(["apply", "-f", CRDS]);
    assert.equal(crds.code, 0, crds.stderr);
    const koreo = await h.req("GET", "/apis/koreo.dev/v1beta1");
    const workflows = koreo.body.resources.find((r: { name: string }) => r.name === "workflows");
    assert.deepEqual(workflows.categories, ["koreo"]);
    assert.deepEqual(workflows.shortNames, ["wf"]);
    const core = await h.req("GET", "/api/v1");
    const categories = (name: string) => core.body.resources.find((r: { name: string }) => r.name === name).categories;
    assert.deepEqual(categories("services"), ["all"]);
    assert.equal(categories("configmaps"), undefined);
    const apps = await h.req("GET", "/apis/apps/v1");
    assert.deepEqual(apps.body.resources.find((r: { name: string }) => r.name === "deployments").categories, ["all"]);
    const aggregated = await fetch(`${h.server.url}/apis`, { headers: { accept: `${AGGREGATED};as=APIGroupDiscoveryList,application/json` } });
    assert.equal(aggregated.headers.get("content-type"), `${AGGREGATED};as=APIGroupDiscoveryList`);
    const groups = (
      (await aggregated.json()) as { items: { metadata: { name: string }; versions: { version: string; resources: Record<string, unknown>[] }[] }[] }
    ).items;
    const koreoGroup = groups.find((g) => g.metadata.name === "koreo.dev");
    const wf = koreoGroup?.versions[0]?.resources.find((r) => r["resource"] === "workflows");
    assert.deepEqual(wf?.["categories"], ["koreo"]);
    assert.deepEqual(wf?.["shortNames"], ["wf"]);
    assert.deepEqual(wf?.["responseKind"], { group: "koreo.dev", version: "v1beta1", kind: "Workflow" });
    const appsGroup = groups.find((g) => g.metadata.name === "apps");
    assert.deepEqual(appsGroup?.versions[0]?.resources[0]?.["categories"], ["all"]);
    const legacy = await fetch(`${h.server.url}/apis`, { headers: { accept: "application/json" } });
    assert.equal(((await legacy.json()) as { kind: string }).kind, "APIGroupList", "without the aggregated media type, the legacy list");
    const crd = await h.req("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/workflows.koreo.dev");
    assert.deepEqual(crd.body.status.acceptedNames.categories, ["koreo"]);
  } finally {
    await h.close();
  }
});

test("kubectl get koreo lists Koreo definitions; kubectl get all lists workloads and no custom resources", { timeout: 120_000 }, async () => {
  const h = await harness();
  try {
    const k = kubectl(h);
    assert.equal((await k.run(["apply", "-f", CRDS])).code, 0);
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 80 }] } };
    const applied = await k.run(["apply", "-f", k.file("objs.yaml", `${stringify(valueFunction("answer", "=42"))}---\n${stringify(svc)}`)]);
    assert.equal(applied.code, 0, applied.stderr);
    const koreo = await k.run(["get", "koreo"]);
    assert.equal(koreo.code, 0, koreo.stderr);
    assert.match(koreo.stdout, /valuefunction\.koreo\.dev\/answer/);
    assert.doesNotMatch(koreo.stdout, /service/);
    const all = await k.run(["get", "all"]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /service\/web\s+ClusterIP/);
    assert.doesNotMatch(all.stdout, /valuefunction/);
    const short = await k.run(["get", "vf", "-o", "name"]);
    assert.equal(short.stdout.trim(), "valuefunction.koreo.dev/answer");
  } finally {
    await h.close();
  }
});

test("OpenAPI v3: a CRD's full schema, and no strategic merge patch advertised", async () => {
  const h = await harness();
  try {
    await kubectl(h).run(["apply", "-f", CRDS]);
    const root = await h.req("GET", "/openapi/v3");
    const url = root.body.paths["apis/koreo.dev/v1beta1"].serverRelativeURL;
    const doc = await h.req("GET", url);
    const schema = doc.body.components.schemas["dev.koreo.v1beta1.ValueFunction"];
    assert.deepEqual(schema["x-kubernetes-group-version-kind"], [{ group: "koreo.dev", version: "v1beta1", kind: "ValueFunction" }]);
    assert.match(schema.properties.spec.description, /pure function/);
    assert.equal(schema.properties.spec.properties.preconditions.type, "array");
    const patch = doc.body.paths["/apis/koreo.dev/v1beta1/namespaces/{namespace}/valuefunctions/{name}"].patch;
    const types = Object.keys(patch.requestBody.content).sort();
    assert.deepEqual(types, ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"]);
    // Built-in kinds do accept strategic merge, but kubectl computes it from its own types when it is not listed.
    const apps = await h.req("GET", "/openapi/v3/apis/apps/v1");
    const deploymentPatch = apps.body.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
    assert.equal(deploymentPatch.requestBody.content["application/strategic-merge-patch+json"], undefined);
    const smp = await h.req("POST", "/apis/apps/v1/namespaces/default/deployments", { metadata: { name: "d" }, spec: {} });
    assert.equal(smp.status, 201);
    assert.equal(
      (await h.req("PATCH", "/apis/apps/v1/namespaces/default/deployments/d", { spec: { replicas: 2 } }, "application/strategic-merge-patch+json")).status,
      200,
    );
    const crPatch = await h.req("POST", "/apis/koreo.dev/v1beta1/namespaces/default/valuefunctions", valueFunction("v", "=1"));
    assert.equal(crPatch.status, 201);
    assert.equal(
      (await h.req("PATCH", "/apis/koreo.dev/v1beta1/namespaces/default/valuefunctions/v", { spec: {} }, "application/strategic-merge-patch+json")).status,
      415,
    );
  } finally {
    await h.close();
  }
});

test("kubectl explain walks a CRD's schema", { timeout: 120_000 }, async () => {
  const h = await harness();
  try {
    const k = kubectl(h);
    await k.run(["apply", "-f", CRDS]);
    const explained = await k.run(["explain", "valuefunction.spec"]);
    assert.equal(explained.code, 0, explained.stderr);
    assert.match(explained.stdout, /KIND:\s+ValueFunction/);
    assert.match(explained.stdout, /pure function computing a value/);
    assert.match(explained.stdout, /preconditions\s+<\[\]Object>/);
    const nested = await k.run(["explain", "valuefunctions.spec.preconditions.assert"]);
    assert.equal(nested.code, 0, nested.stderr);
    assert.match(nested.stdout, /must evaluate to a boolean/);
  } finally {
    await h.close();
  }
});

test("kubectl apply of an unchanged custom resource, twice, then a change and a diff: no warnings, merge patches", { timeout: 120_000 }, async () => {
  const h = await harness();
  try {
    const k = kubectl(h);
    assert.equal((await k.run(["apply", "-f", CRDS])).code, 0);
    const file = k.file("vf.yaml", stringify(valueFunction("answer", "=42")));
    const first = await k.run(["apply", "-f", file]);
    assert.equal(first.code, 0, first.stderr);
    const second = await k.run(["apply", "-f", file]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /valuefunction.koreo.dev\/answer unchanged/);
    assert.equal(second.stderr, "");
    const changedFile = k.file("vf2.yaml", stringify(valueFunction("answer", "=43")));
    const diff = await k.run(["diff", "-f", changedFile]);
    assert.equal(diff.code, 1, `diff exits 1 when something differs: ${diff.stderr}`);
    assert.match(diff.stdout, /\+\s+value: =43/);
    assert.doesNotMatch(diff.stderr, /warning|unable to find api field/);
    const changed = await k.run(["apply", "-f", changedFile]);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /configured/);
    assert.equal(changed.stderr, "");
    const value = await k.run(["get", "vf", "answer", "-o", "jsonpath={.spec.return.value}"]);
    assert.equal(value.stdout, "=43");
  } finally {
    await h.close();
  }
});
