import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { annotation, clusterHarness, FIXTURES, runKoreo, type ClusterHarness } from "../support/cli-cluster.ts";

let h: ClusterHarness;
const LAST = "koreo.dev/last-manual-reconcile";
const greeter = (namespace: string, name: string) => ({ apiVersion: "demo.koreo.test/v1", kind: "Greeter", plural: "greeters", namespace, name });

before(async () => {
  h = await clusterHarness();
  // The fixture program brings the Greeter trigger CRD.
  const applied = await h.koreo("apply", "--include-crds", "-n", "team", "--create-namespaces", "infra/crds", join(FIXTURES, "program"));
  assert.equal(applied.code, 0, applied.stderr);
  // A Workflow binds Greeter, so a reconcile request has something to run.
  const workflow = {
    apiVersion: "koreo.dev/v1beta1",
    kind: "Workflow",
    metadata: { name: "greeter", namespace: "team" },
    spec: {
      crdRef: { apiGroup: "demo.koreo.test", version: "v1", kind: "Greeter" },
      steps: [{ label: "greet", ref: { kind: "ValueFunction", name: "greeting" } }],
    },
  };
  const bound = await h.cluster.apply(workflow, { fieldManager: "test", force: true });
  assert.ok(bound.ok, bound.ok ? "" : bound.error.message);
  for (const name of ["hello", "by-plural"]) {
    const made = await h.cluster.create({ apiVersion: "demo.koreo.test/v1", kind: "Greeter", metadata: { name, namespace: "team" }, spec: { name } });
    assert.ok(made.ok, made.ok ? "" : made.error.message);
  }
});
after(() => h.close());

test("CLI-13 / CLI-4 reconcile sets koreo.dev/last-manual-reconcile to a UTC ISO timestamp and prints the reference's message", async () => {
  const run = await h.koreo("reconcile", "greeter", "hello", "-n", "team");
  assert.equal(run.code, 0, run.stderr);
  const match = /^Updated greeter\/hello in team with last reconciled=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)$/.exec(run.stdout);
  assert.ok(match, run.stdout);
  assert.equal(annotation(await h.read(greeter("team", "hello")), LAST), match[1]);
});

test("CLI-13 KIND may be kind, plural.group or plural.version.group (resolved through discovery)", async () => {
  for (const kind of ["Greeter", "greeters.demo.koreo.test", "greeters.v1.demo.koreo.test"]) {
    const run = await h.koreo("reconcile", kind, "by-plural", "--namespace", "team");
    assert.equal(run.code, 0, `${kind}: ${run.stderr}`);
    assert.match(run.stdout, new RegExp(`^Updated ${kind.replace(/\./g, "\\.")}/by-plural in team with last reconciled=`));
  }
});

test("CLI-13 a missing trigger or unknown kind exits 1 with the reason on stderr", async () => {
  const missing = await h.koreo("reconcile", "greeter", "nobody", "-n", "team");
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, "");
  assert.match(missing.stderr, /Greeter team\/nobody not found/);
  const unknown = await h.koreo("reconcile", "gizmo", "x");
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /doesn't have a resource type "gizmo"/);
});

test("CLI-13 a kind no Workflow binds: says nothing will reconcile it instead of annotating", async () => {
  const made = await h.cluster.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "lonely", namespace: "team" }, data: {} });
  assert.ok(made.ok, made.ok ? "" : made.error.message);
  const run = await h.koreo("reconcile", "configmap", "lonely", "-n", "team");
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /nothing will reconcile ConfigMap team\/lonely: no Workflow binds ConfigMap \(v1\)/);
  assert.equal(
    annotation(await h.read({ apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespace: "team", name: "lonely" }), LAST),
    undefined,
    "not annotated",
  );
});

test("CLI-13 / CLI-16 usage errors exit 2", async () => {
  assert.equal((await h.koreo("reconcile", "greeter")).code, 2);
  const noToken = await runKoreo(["reconcile", "greeter", "x", "--via-webhook", "http://127.0.0.1:1"], { KUBECONFIG: h.kubeconfig, KOREO_WEBHOOK_TOKEN: "" });
  assert.equal(noToken.code, 2);
  assert.match(noToken.stderr, /--via-webhook needs --token/);
});

interface Seen {
  method?: string;
  url?: string;
  headers?: IncomingHttpHeaders;
}

/** A stand-in for the Koreo webhook (SRV-10) that records the request and answers 202 with JSON. */
async function fakeWebhook(seen: Seen): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    Object.assign(seen, { method: req.method, url: req.url, headers: req.headers });
    res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ queued: true, trigger: { name: "hello" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test("CLI-13 / SRV-10 --via-webhook POSTs /reconcile/<group>/<version>/<Kind>/<ns>/<name> with the bearer token and prints the JSON answer", async () => {
  const seen: Seen = {};
  const hook = await fakeWebhook(seen);
  try {
    const run = await h.koreo("reconcile", "greeters.demo.koreo.test", "hello", "-n", "team", "--via-webhook", `${hook.url}/`, "--token", "s3cret");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(seen.method, "POST");
    assert.equal(seen.url, "/reconcile/demo.koreo.test/v1/Greeter/team/hello");
    assert.equal(seen.headers?.authorization, "Bearer s3cret");
    assert.deepEqual(JSON.parse(run.stdout), { queued: true, trigger: { name: "hello" } });
  } finally {
    hook.server.close();
  }
});

test("CLI-13 / SRV-10 --via-webhook with --api-version needs no cluster; the core group is spelled core", async () => {
  const seen: Seen = {};
  const hook = await fakeWebhook(seen);
  try {
    const env = { KUBECONFIG: join(h.dir, "no-such-kubeconfig"), KOREO_WEBHOOK_TOKEN: "from-env" };
    const run = await runKoreo(["reconcile", "ConfigMap", "settings", "-n", "team", "--api-version", "v1", "--via-webhook", hook.url], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(seen.url, "/reconcile/core/v1/ConfigMap/team/settings");
    assert.equal(seen.headers?.authorization, "Bearer from-env");
  } finally {
    hook.server.close();
  }
});

test("CLI-13 a webhook refusal exits 1 with the HTTP status", async () => {
  const server = createServer((_req, res) => void res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthenticated"}'));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = await h.koreo("reconcile", "greeter", "hello", "-n", "team", "--via-webhook", url, "--token", "wrong");
    assert.equal(run.code, 1);
    assert.match(run.stderr, /HTTP 401: \{"error":"unauthenticated"\}/);
  } finally {
    server.close();
  }
});
