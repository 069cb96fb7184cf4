/**
 * The server over HTTPS with its own CA, as `koreo cluster` runs it: kubectl, client-node
 * (1.4, and 1.1 as the Koreo web UI uses it) and our adapter, all verifying the server
 * through the kubeconfig with no insecure flag.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { get } from "node:https";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { parse, stringify } from "yaml";
import * as k8s from "@kubernetes/client-node";
import * as k8s11 from "client-node-1-1";
import { startApiServer } from "../../src/apiserver/index.ts";
import { kubeconfigYaml } from "../../src/apiserver/kubeconfig.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";
import { caOf, FOO_CRD, harness, kubectl, rawWatch, readUntil } from "../support/apiserver.ts";

function names(list: { items: { metadata?: { name?: string } }[] }): string[] {
  return list.items.map((item) => item.metadata?.name ?? "").sort();
}

/** Status code of a GET that trusts only `ca`, or the TLS error's code. */
function probe(url: string, ca: string | undefined): Promise<number | string> {
  return new Promise((resolve) => {
    get(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

test("the kubeconfig names an https server and trusts its CA, with no insecure-skip-tls-verify", async () => {
  const h = await harness({ tls: true });
  try {
    assert.match(h.server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const config = parse(h.server.kubeconfig());
    const cluster = config.clusters[0].cluster;
    assert.equal(cluster.server, h.server.url);
    assert.equal(cluster["insecure-skip-tls-verify"], undefined);
    assert.equal(Buffer.from(cluster["certificate-authority-data"], "base64").toString("utf8"), caOf(h.server));
    assert.match(caOf(h.server) ?? "", /^-----BEGIN CERTIFICATE-----/);
    assert.equal((await h.req("GET", "/api/v1/namespaces/default")).status, 200);
    assert.equal(await probe(`${h.server.url}/healthz`, undefined), "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "not trusted without the CA");
  } finally {
    await h.close();
  }
});

test("kubectl get ns, apply -f (client- and server-side) and get -w over HTTPS", { timeout: 120_000 }, async () => {
  const h = await harness({ tls: true });
  const k = kubectl(h);
  try {
    const ns = await k.run(["get", "ns"]);
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, /^default\s+Active/m);

    const crd = await k.run(["apply", "-f", k.file("crd.yaml", stringify(FOO_CRD))]);
    assert.equal(crd.code, 0, crd.stderr);
    const foo = { apiVersion: "example.com/v1", kind: "Foo", metadata: { name: "a", namespace: "default" }, spec: { size: 1 } };
    const csa = await k.run(["apply", "-f", k.file("a.yaml", stringify(foo))]);
    assert.equal(csa.code, 0, csa.stderr);
    assert.match(csa.stdout, /foo.example.com\/a created/);
    const ssa = await k.run(["apply", "--server-side", "-f", k.file("b.yaml", stringify({ ...foo, metadata: { name: "b", namespace: "default" } }))]);
    assert.equal(ssa.code, 0, ssa.stderr);
    assert.match(ssa.stdout, /serverside-applied/);

    const watcher = k.spawn(["get", "foo", "a", "-w", "-o", 'jsonpath={.spec.size}{"\\n"}']);
    try {
      await readUntil(watcher, (out) => out.includes("1"));
      const patched = await k.run(["patch", "foo", "a", "--type", "merge", "-p", '{"spec":{"size":7}}']);
      assert.equal(patched.code, 0, patched.stderr);
      await readUntil(watcher, (out) => out.includes("7"));
    } finally {
      watcher.kill();
    }
  } finally {
    await h.close();
  }
});

test("kubectl refuses a server whose certificate its kubeconfig's CA did not sign", { timeout: 60_000 }, async () => {
  const h = await harness({ tls: true });
  const stranger = await startApiServer({ tls: true });
  try {
    const k = kubectl(h);
    const path = k.file("wrong-ca", kubeconfigYaml(h.server.url, "default", stranger.caData));
    const got = await k.run(["--kubeconfig", path, "get", "ns"]);
    assert.notEqual(got.code, 0);
    assert.match(got.stderr, /certificate signed by unknown authority/);
  } finally {
    await stranger.close();
    await h.close();
  }
});

test("client-node 1.1 (the web UI's) lists and watches namespaces through the kubeconfig file", { timeout: 60_000 }, async () => {
  const h = await harness({ tls: true });
  try {
    const path = join(h.dir, "kubeconfig");
    h.server.writeKubeconfig(path);
    const kc = new k8s11.KubeConfig();
    kc.loadFromFile(path);
    assert.equal(kc.getCurrentCluster()?.skipTLSVerify, false);
    const listed = await kc.makeApiClient(k8s11.CoreV1Api).listNamespace();
    assert.deepEqual(names(listed), ["default", "kube-node-lease", "kube-public", "kube-system"]);

    const seen: string[] = [];
    let abort: AbortController | undefined;
    const sawCreate = new Promise<void>((resolve) => {
      void new k8s11.Watch(kc)
        .watch(
          "/api/v1/namespaces",
          {},
          (type: string, obj: k8s11.V1Namespace) => {
            seen.push(`${type}:${obj.metadata?.name}`);
            if (obj.metadata?.name === "web-ui") resolve();
          },
          () => {},
        )
        .then((controller: AbortController) => (abort = controller));
    });
    while (abort === undefined) await new Promise((r) => setTimeout(r, 10));
    await kc.makeApiClient(k8s11.CoreV1Api).createNamespace({ body: { metadata: { name: "web-ui" } } });
    await sawCreate;
    abort.abort();
    assert.ok(seen.includes("ADDED:web-ui"), seen.join(","));
  } finally {
    await h.close();
  }
});

test("client-node 1.4 KubernetesObjectApi and Watch over HTTPS", { timeout: 60_000 }, async () => {
  const h = await harness({ tls: true });
  const kc = new k8s.KubeConfig();
  kc.loadFromString(h.server.kubeconfig("default"));
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  try {
    const watch = await rawWatch(`${h.server.url}/api/v1/namespaces/default/configmaps?watch=true`, caOf(h.server));
    const created = await api.create({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "tls", namespace: "default" },
      data: { v: "1" },
    } as k8s.KubernetesObject);
    assert.ok(created.metadata?.uid);
    const applied = await api.patch(
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "tls", namespace: "default" }, data: { v: "2" } } as k8s.KubernetesObject,
      undefined,
      undefined,
      "tls-test",
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    assert.equal((applied as { data?: { v?: string } }).data?.v, "2");
    const events = await watch.take(2);
    watch.close();
    assert.deepEqual(
      events.map((e) => e.type),
      ["ADDED", "MODIFIED"],
    );
  } finally {
    await h.close();
  }
});

test("our client-node adapter verifies the server through the kubeconfig file, and fails on a CA it does not trust", async () => {
  const h = await harness({ tls: true });
  const stranger = await startApiServer({ tls: true });
  try {
    const path = join(h.dir, "kubeconfig");
    h.server.writeKubeconfig(path);
    const cluster = createClientNodeCluster(loadKubeConfig({ kubeconfigPath: path }), { timeoutMs: 5_000 });
    const ns = await cluster.get({ apiVersion: "v1", kind: "Namespace", name: "default" });
    assert.ok(ns.ok, ns.ok ? "" : ns.error.message);

    const wrong = createClientNodeCluster(loadKubeConfig({ server: h.server.url, caData: stranger.caData }), { timeoutMs: 5_000 });
    const refused = await wrong.get({ apiVersion: "v1", kind: "Namespace", name: "default" });
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.equal(refused.error.reason, "Unavailable");
      assert.match(refused.error.message, /certificate/);
    }
  } finally {
    await stranger.close();
    await h.close();
  }
});

test("a restart on the same data directory keeps the CA: a kubeconfig from before still verifies the server", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "koreo-https-restart-"));
  try {
    const first = await startApiServer({ tls: true, dataDir });
    const ca = caOf(first);
    const port = first.port;
    await first.close();
    const second = await startApiServer({ tls: true, dataDir, port });
    try {
      assert.equal(second.caData, first.caData);
      assert.equal(await probe(`${second.url}/healthz`, ca), 200);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the certificate holds for localhost and ::1 as well as 127.0.0.1", async () => {
  const v4 = await startApiServer({ tls: true });
  const v6 = await startApiServer({ tls: true, host: "::1" });
  try {
    assert.equal(await probe(`https://localhost:${v4.port}/healthz`, caOf(v4)), 200);
    assert.match(v6.url, /^https:\/\/\[::1\]:\d+$/);
    assert.equal(await probe(`${v6.url}/healthz`, caOf(v6)), 200);
  } finally {
    await v4.close();
    await v6.close();
  }
});
