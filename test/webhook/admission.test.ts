/**
 * The webhook's /admission route as the embedded API server's validating webhook: the API
 * server over HTTPS with the Koreo CRDs, the hono app over plain HTTP on loopback, registered
 * with `localAdmissionWebhook` (what `npm start` applies), and kubectl as the client.
 * A CEL syntax error is refused with its field path; a valid definition is admitted; a
 * reference to a definition not applied yet is admitted with a warning kubectl prints.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { createClientNodeCluster, loadKubeConfig } from "../../src/cluster/adapters/index.ts";
import type { WatchableClusterApi } from "../../src/cluster/index.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { serveFetch, type Served } from "../../src/local/serve.ts";
import { silentLogger } from "../../src/ports/index.ts";
import { createWebhookApp, constantSecret } from "../../src/webhook/index.ts";
import { localAdmissionWebhook } from "../../src/webhook/admission-registration.ts";
import { harness, kubectl, type Harness, type Kubectl } from "../support/apiserver.ts";

const CRDS = fileURLToPath(new URL("../../infra/crds/", import.meta.url));
const SECRET = "admission-test-secret";

let h: Harness;
let k: Kubectl;
let cluster: WatchableClusterApi;
let webhook: Served;

before(async () => {
  h = await harness({ tls: true });
  k = kubectl(h);
  cluster = createClientNodeCluster(loadKubeConfig({ server: h.server.url, ...(h.server.caData === undefined ? {} : { caData: h.server.caData }) }));
  await applyManifests(cluster, readManifests([CRDS]));
  const app = createWebhookApp({
    secret: constantSecret(SECRET),
    bodyLimitBytes: 64 * 1024,
    cluster,
    work: { enqueue: async () => assert.fail("admission must never queue work") },
    dryRun: async () => assert.fail("admission must never dry-run"),
    logger: silentLogger,
  });
  webhook = await serveFetch(app.fetch);
  await applyManifests(cluster, [localAdmissionWebhook(webhook.url)]);
});
after(async () => {
  await webhook?.close();
  await h?.close();
});

const valueFunction = (name: string, value: string): string => `apiVersion: koreo.dev/v1beta1
kind: ValueFunction
metadata:
  name: ${name}
  namespace: default
spec:
  return:
    value: "${value}"
`;

const resourceFunction = (name: string, overlay: string): string => `apiVersion: koreo.dev/v1beta1
kind: ResourceFunction
metadata:
  name: ${name}
  namespace: default
spec:
  apiConfig:
    apiVersion: v1
    kind: ConfigMap
    name: =inputs.name
    namespace: default
  resource:
    data:
      a: b
  overlays:
    - overlayRef:
        kind: ValueFunction
        name: ${overlay}
`;

test("kubectl apply of a ValueFunction with a CEL syntax error is refused with the field path and message", async () => {
  const refused = await k.run(["apply", "-f", "-"], valueFunction("broken-cel", "=1 + + 2"));
  assert.notEqual(refused.code, 0, refused.stdout);
  assert.match(refused.stderr, /admission webhook "definitions.koreo.dev" denied the request: spec.return.value: Parsing error at line 1, column 3/);
  const got = await k.run(["get", "valuefunction", "broken-cel"]);
  assert.notEqual(got.code, 0, "the refused definition was not stored");
});

test("step graph errors (which the CRD schema cannot see) are refused, each with its path", async () => {
  await k.run(["apply", "-f", "-"], valueFunction("graph-fn", "=inputs.x"));
  const text = `apiVersion: koreo.dev/v1beta1
kind: Workflow
metadata: {name: bad-order, namespace: default}
spec:
  steps:
    - label: early
      ref: {kind: ValueFunction, name: graph-fn}
      inputs: {x: =steps.late}
    - label: late
      ref: {kind: ValueFunction, name: graph-fn}
      inputs: {x: 1}
    - label: lost
      ref: {kind: ValueFunction, name: graph-fn}
      inputs: {x: =steps.nowhere}
`;
  const refused = await k.run(["apply", "-f", "-"], text);
  assert.notEqual(refused.code, 0);
  assert.match(
    refused.stderr,
    /denied the request: 2 errors: spec.steps\[0\]: Step 'early', must come after late.; spec.steps\[2\]: Step 'lost', must come after nowhere./,
  );
});

test("a valid ValueFunction is admitted without warnings", async () => {
  const admitted = await k.run(["apply", "-f", "-"], valueFunction("add-one", "=inputs.x + 1"));
  assert.equal(admitted.code, 0, admitted.stderr);
  assert.match(admitted.stdout, /valuefunction.koreo.dev\/add-one created/);
  assert.doesNotMatch(admitted.stderr, /Warning/);
});

test("a ResourceFunction referencing a missing ValueFunction is admitted with a warning kubectl prints; once it exists, none", async () => {
  const early = await k.run(["apply", "-f", "-"], resourceFunction("config-map", "labels-later"));
  assert.equal(early.code, 0, early.stderr);
  assert.match(early.stderr, /Warning: spec.overlays\[0\].overlayRef.name: ValueFunction 'labels-later' not found/);

  const labels = await k.run(["apply", "-f", "-"], valueFunction("labels-later", "=inputs.x"));
  assert.equal(labels.code, 0, labels.stderr);
  const again = await k.run(["apply", "-f", "-"], resourceFunction("config-map", "labels-later"));
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /Warning/, "the reference is found in the cluster now");
});

test("a Workflow's missing step reference is a warning, an existing one is read from the cluster", async () => {
  const text = `apiVersion: koreo.dev/v1beta1
kind: Workflow
metadata: {name: flow, namespace: default}
spec:
  steps:
    - label: first
      ref: {kind: ValueFunction, name: add-one}
      inputs: {x: 1}
    - label: second
      ref: {kind: ValueFunction, name: not-yet}
      inputs: {x: =steps.first}
`;
  const admitted = await k.run(["apply", "-f", "-"], text);
  assert.equal(admitted.code, 0, admitted.stderr);
  assert.match(admitted.stderr, /Warning: spec.steps\[1\].ref: ValueFunction 'not-yet' not found/);
  assert.doesNotMatch(admitted.stderr, /add-one/);
});

async function postAdmission(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${webhook.url}/admission`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test("/admission needs no credentials, answers only AdmissionReviews, and echoes the uid", async () => {
  const notReview = await postAdmission({ hello: "world" });
  assert.equal(notReview.status, 400);
  const other = await postAdmission({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: { uid: "u-1", kind: { group: "", version: "v1", kind: "ConfigMap" }, operation: "CREATE", object: {} },
  });
  assert.equal(other.status, 200);
  assert.deepEqual(other.json.response, { uid: "u-1", allowed: true });
  const large = await postAdmission({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: { uid: "u-large", kind: { group: "", version: "v1", kind: "ConfigMap" }, operation: "CREATE", object: { data: { big: "x".repeat(200_000) } } },
  });
  assert.equal(large.status, 200, "admission has its own body limit, above the other routes' 64 KiB");
  const reconcile = await fetch(`${webhook.url}/reconcile/core/v1/ConfigMap/default/x`, { method: "POST" });
  assert.equal(reconcile.status, 401, "the other routes still need the secret");
});

test("references are looked up in the object's namespace, then in definitionNamespaces (`*`: every namespace)", async () => {
  const review = (uid: string) => ({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind: { group: "koreo.dev", version: "v1beta1", kind: "Workflow" },
      operation: "CREATE",
      namespace: "elsewhere",
      name: "cross",
      object: {
        apiVersion: "koreo.dev/v1beta1",
        kind: "Workflow",
        metadata: { name: "cross", namespace: "elsewhere" },
        spec: { steps: [{ label: "only", ref: { kind: "ValueFunction", name: "add-one" }, inputs: { x: 1 } }] },
      },
    },
  });
  const ask = async (definitionNamespaces: readonly string[]) => {
    const app = createWebhookApp({
      secret: constantSecret(SECRET),
      bodyLimitBytes: 1024,
      cluster,
      work: { enqueue: async () => {} },
      dryRun: async () => ({ report: null, writes: [] }),
      logger: silentLogger,
      definitionNamespaces,
    });
    const res = await app.request("/admission", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(review("u-2")) });
    return ((await res.json()) as { response: { allowed: boolean; warnings?: string[] } }).response;
  };
  const own = await ask([]);
  assert.equal(own.allowed, true);
  assert.match(own.warnings?.join("\n") ?? "", /ValueFunction 'add-one' not found/, "not in namespace elsewhere");
  assert.equal((await ask(["default"])).warnings, undefined, "found in a listed namespace");
  assert.equal((await ask(["*"])).warnings, undefined, "found in any namespace");
});

test("webhook down: failurePolicy Fail refuses Koreo writes; patched to Ignore, they go through unchecked", async () => {
  await webhook.close();
  const refused = await k.run(["apply", "-f", "-"], valueFunction("while-down", "=1"));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /failed calling webhook "definitions.koreo.dev"/);
  // The switch infra/admission/validating-webhook.yaml documents.
  const patch = JSON.stringify([{ op: "replace", path: "/webhooks/0/failurePolicy", value: "Ignore" }]);
  const patched = await k.run(["patch", "validatingwebhookconfiguration", "koreo-definitions", "--type=json", "-p", patch]);
  assert.equal(patched.code, 0, patched.stderr);
  const admitted = await k.run(["apply", "-f", "-"], valueFunction("while-down", "=1"));
  assert.equal(admitted.code, 0, admitted.stderr);
});
