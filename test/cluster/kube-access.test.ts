/**
 * kube-access.ts: kubeconfig files and explicit settings without client-node,
 * checked by the headers a stub server receives and against the embedded API
 * server over HTTPS (CA from a file relative to the kubeconfig).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RequestOptions } from "node:https";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { startApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { defaultKubeAccess, explicitKubeAccess, inClusterKubeAccess, kubeAccessFromFiles } from "../../src/cluster/adapters/kube-access.ts";
import type { KubeConfigSlice } from "../../src/cluster/adapters/client-node-transport.ts";
import { startStub, type RecordedRequest } from "../support/stub-server.ts";

const dir = mkdtempSync(join(tmpdir(), "koreo-kube-access-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const cmRef = { apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "ns", plural: "configmaps" };
const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns" } };

let files = 0;
function kubeconfig(cluster: object, user: object, extra: object = {}): string {
  const path = join(dir, `config-${++files}`);
  writeFileSync(
    path,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "c", cluster }],
      users: [{ name: "u", user }],
      contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
      "current-context": "ctx",
      ...extra,
    }),
  );
  return path;
}

/** The Authorization header of each GET the adapter sends with `access` against a stub answering a ConfigMap. */
async function authorizations(access: (url: string) => KubeConfigSlice, gets = 1): Promise<(string | undefined)[]> {
  const stub = await startStub(() => ({ status: 200, body: configMap }));
  try {
    const cluster = createClientNodeCluster(access(stub.url), { readRetry: { attempts: 1, baseDelayMs: 1 } });
    for (let i = 0; i < gets; i++) assert.equal((await cluster.get(cmRef)).ok, true);
    return stub.requests.map((r: RecordedRequest) => r.headers.authorization);
  } finally {
    await stub.close();
  }
}

describe("kube-access: kubeconfig without client-node", () => {
  it("explicit settings: no credentials, or a static bearer token", async () => {
    assert.deepEqual(await authorizations((url) => explicitKubeAccess(url)), [undefined]);
    assert.deepEqual(await authorizations((url) => explicitKubeAccess(url, "t0k")), ["Bearer t0k"]);
  });

  it("files: token, tokenFile (relative to the file), basic auth", async () => {
    writeFileSync(join(dir, "token.txt"), "from-file\n");
    assert.deepEqual(await authorizations((url) => kubeAccessFromFiles([kubeconfig({ server: url }, { token: "abc" })])), ["Bearer abc"]);
    assert.deepEqual(await authorizations((url) => kubeAccessFromFiles([kubeconfig({ server: url }, { tokenFile: "token.txt" })])), ["Bearer from-file"]);
    const basic = `Basic ${Buffer.from("me:pw").toString("base64")}`;
    assert.deepEqual(await authorizations((url) => kubeAccessFromFiles([kubeconfig({ server: url }, { username: "me", password: "pw" })])), [basic]);
  });

  it("exec plugins: the ExecCredential token, reused until it expires", async () => {
    const counter = join(dir, "exec-runs");
    const plugin = join(dir, "plugin.mjs");
    writeFileSync(counter, "");
    writeFileSync(
      plugin,
      `#!/usr/bin/env node
import { appendFileSync, readFileSync } from "node:fs";
appendFileSync(${JSON.stringify(counter)}, "x");
const n = readFileSync(${JSON.stringify(counter)}, "utf8").length;
const expired = process.env.EXPIRED === "1";
console.log(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential",
  status: { token: "exec-" + n, expirationTimestamp: expired ? "2000-01-01T00:00:00Z" : "2999-01-01T00:00:00Z" } }));
`,
    );
    chmodSync(plugin, 0o755);
    const exec = (expired: string) => ({
      exec: { apiVersion: "client.authentication.k8s.io/v1", command: "node", args: [plugin], env: [{ name: "EXPIRED", value: expired }] },
    });
    assert.deepEqual(await authorizations((url) => kubeAccessFromFiles([kubeconfig({ server: url }, exec("0"))]), 2), ["Bearer exec-1", "Bearer exec-1"]);
    assert.deepEqual(await authorizations((url) => kubeAccessFromFiles([kubeconfig({ server: url }, exec("1"))]), 2), ["Bearer exec-2", "Bearer exec-3"]);
  });

  it("a failing exec plugin is an error result, not a rejection", async () => {
    const stub = await startStub(() => ({ status: 200, body: configMap }));
    try {
      const path = kubeconfig({ server: stub.url }, { exec: { command: "node", args: ["-e", "process.stderr.write('no creds'); process.exit(3)"] } });
      const cluster = createClientNodeCluster(kubeAccessFromFiles([path]), { readRetry: { attempts: 1, baseDelayMs: 1 } });
      const read = await cluster.get(cmRef);
      assert.equal(read.ok, false);
      assert.match(!read.ok ? read.error.message : "", /no creds/);
      assert.equal(stub.requests.length, 0);
    } finally {
      await stub.close();
    }
  });

  it("KUBECONFIG merges files (first definition wins) and a context can be chosen", async () => {
    const first = kubeconfig({ server: "http://first.invalid" }, { token: "one" });
    const second = join(dir, "second");
    writeFileSync(
      second,
      stringify({
        clusters: [{ name: "c", cluster: { server: "http://ignored.invalid" } }],
        users: [{ name: "u2", user: { token: "two" } }],
        contexts: [{ name: "other", context: { cluster: "c", user: "u2" } }],
      }),
    );
    const merged = defaultKubeAccess("other", { KUBECONFIG: [first, second].join(":") });
    assert.equal(merged.getCurrentCluster()?.server, "http://first.invalid");
    const options: RequestOptions = {};
    await merged.applyToHTTPSOptions(options);
    assert.deepEqual(options.headers, { Authorization: "Bearer two" });
    assert.throws(() => kubeAccessFromFiles([first], "missing"), /context "missing" not found/);
  });

  it("auth-provider users are refused at load time with a clear message", () => {
    const path = kubeconfig({ server: "http://x.invalid" }, { "auth-provider": { name: "oidc" } });
    assert.throws(() => kubeAccessFromFiles([path]), /auth-provider/);
  });

  it("in a pod: the service-account token and CA", async () => {
    const account = join(dir, "sa");
    mkdirSync(account);
    writeFileSync(join(account, "token"), "sa-token");
    writeFileSync(join(account, "ca.crt"), "PEM");
    const access = inClusterKubeAccess({ KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" }, account);
    assert.equal(access?.getCurrentCluster()?.server, "https://10.0.0.1:443");
    const options: RequestOptions = {};
    await access?.applyToHTTPSOptions(options);
    assert.deepEqual(options.headers, { Authorization: "Bearer sa-token" });
    assert.deepEqual(options.ca, Buffer.from("PEM"));
    assert.equal(inClusterKubeAccess({}, account), undefined);
  });

  it("HTTPS with the CA from a file next to the kubeconfig; another CA is refused", async () => {
    const server = await startApiServer({ port: 0, tls: true });
    const stranger = await startApiServer({ port: 0, tls: true });
    try {
      writeFileSync(join(dir, "ca.pem"), Buffer.from(server.caData ?? "", "base64"));
      const trusted = createClientNodeCluster(kubeAccessFromFiles([kubeconfig({ server: server.url, "certificate-authority": "ca.pem" }, {})]));
      assert.equal((await trusted.discover("v1", "ConfigMap")).ok, true);
      const wrong = createClientNodeCluster(explicitKubeAccess(server.url, undefined, stranger.caData), { readRetry: { attempts: 1, baseDelayMs: 1 } });
      const refused = await wrong.discover("v1", "ConfigMap");
      assert.equal(!refused.ok && refused.error.reason, "Unavailable");
    } finally {
      await stranger.close();
      await server.close();
    }
  });

  it("watches carry the bearer token provider's token too", async () => {
    const stub = await startStub((r) =>
      r.url.includes("watch=true")
        ? (res) => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(`${JSON.stringify({ type: "ADDED", object: configMap })}\n`);
          }
        : { status: 200, body: configMap },
    );
    try {
      const cluster = createClientNodeCluster(explicitKubeAccess(stub.url), { bearerToken: async () => "eks" });
      const handle = await cluster.watch("v1", "ConfigMap", { plural: "configmaps", namespace: "ns" }, () => {});
      assert.ok(handle.ok);
      assert.deepEqual(await handle.value.done, { ok: true, value: undefined });
      assert.equal(stub.requests[0]?.headers.authorization, "Bearer eks");
      assert.match(stub.requests[0]?.url ?? "", /^\/api\/v1\/namespaces\/ns\/configmaps\?allowWatchBookmarks=true&watch=true$/);
    } finally {
      await stub.close();
    }
  });
});
