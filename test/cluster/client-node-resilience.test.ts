/**
 * Fault injection for the client-node adapter over real HTTP: unreachable
 * servers, timeouts, retried reads, typed errors, request shapes (RF-20,
 * RF-28, RF-40, ST-1).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createClientNodeCluster, type ClientNodeClusterOptions } from "../../src/cluster/adapters/client-node.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";
import type { WatchEvent } from "../../src/cluster/cluster-api.ts";
import { isMap as isMapValue } from "../../src/value/value.ts";
import { startStub, status, type StubReply, type RecordedRequest } from "../support/stub-server.ts";

const FAST_RETRY = { attempts: 3, baseDelayMs: 1 };
const cmRef = { apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "ns", plural: "configmaps" };
const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns", resourceVersion: "5" }, data: { n: "1" } };
const widgetResources = {
  kind: "APIResourceList",
  groupVersion: "x.io/v1",
  resources: [
    { name: "widgets", kind: "Widget", namespaced: true, verbs: ["get"] },
    { name: "widgets/status", kind: "Widget", namespaced: true, verbs: ["get", "patch"] },
  ],
};

async function withStub(
  reply: (r: RecordedRequest, i: number) => StubReply,
  options: ClientNodeClusterOptions,
  run: (cluster: ReturnType<typeof createClientNodeCluster>, requests: RecordedRequest[]) => Promise<void>,
) {
  const stub = await startStub(reply);
  try {
    await run(createClientNodeCluster(loadKubeConfig({ server: stub.url }), { readRetry: FAST_RETRY, ...options }), stub.requests);
  } finally {
    await stub.close();
  }
}

async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe("client-node adapter resilience", () => {
  it("a closed server is an Unavailable result, not a rejection", async () => {
    const cluster = createClientNodeCluster(loadKubeConfig({ server: await closedPortUrl() }), { readRetry: FAST_RETRY });
    const read = await cluster.get(cmRef);
    assert.equal(!read.ok && read.error.reason, "Unavailable");
    const discovered = await cluster.discover("apps/v1", "Deployment");
    assert.equal(!discovered.ok && discovered.error.reason, "Unavailable");
    const created = await cluster.create(configMap, { plural: "configmaps" });
    assert.equal(!created.ok && created.error.reason, "Unavailable");
    const watched = await cluster.watch("v1", "ConfigMap", { plural: "configmaps" }, () => {});
    assert.equal(!watched.ok && watched.error.reason, "Unavailable");
  });

  it("a slow endpoint times out as Unavailable", async () => {
    await withStub(
      () => "hang",
      { timeoutMs: 100, readRetry: { attempts: 2, baseDelayMs: 1 } },
      async (cluster, requests) => {
        const read = await cluster.get(cmRef);
        assert.equal(!read.ok && read.error.reason, "Unavailable");
        assert.match(!read.ok ? read.error.message : "", /timed out after 100 ms/);
        assert.equal(requests.length, 2, "timeouts on reads are retried");
      },
    );
  });

  it("5xx on GET is retried and then succeeds", async () => {
    const reply = (_: RecordedRequest, i: number): StubReply => (i < 2 ? status(503, "ServiceUnavailable", "etcd busy") : { status: 200, body: configMap });
    await withStub(reply, {}, async (cluster, requests) => {
      const read = await cluster.get(cmRef);
      assert.equal(read.ok, true);
      assert.equal(requests.length, 3);
    });
  });

  it("429 on list is retried; writes are never retried (RF-21, RF-28)", async () => {
    const reply = (r: RecordedRequest, i: number): StubReply =>
      r.method === "GET" && i > 0
        ? { status: 200, body: { kind: "ConfigMapList", metadata: { resourceVersion: "9" }, items: [{ metadata: { name: "a" } }] } }
        : status(429, "TooManyRequests", "slow down");
    await withStub(reply, {}, async (cluster, requests) => {
      const listed = await cluster.list("v1", "ConfigMap", { plural: "configmaps", namespace: "ns" });
      assert.deepEqual(listed, { ok: true, value: { resourceVersion: "9", items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } }] } });
      const patched = await cluster.mergePatch(cmRef, { data: { n: "2" } });
      assert.equal(!patched.ok && patched.error.reason, "TooManyRequests");
      assert.equal(requests.filter((r) => r.method === "PATCH").length, 1);
    });
  });

  it("maps HTTP statuses to error reasons with the server's message (RF-20, RF-28)", async () => {
    const cases: [number, string][] = [
      [404, "NotFound"],
      [409, "Conflict"],
      [422, "Invalid"],
      [400, "Invalid"],
      [401, "Forbidden"],
      [403, "Forbidden"],
      [410, "Gone"],
      [500, "Unavailable"],
    ];
    for (const [code, reason] of cases) {
      await withStub(
        () => status(code, "X", `boom ${code}`),
        { readRetry: { attempts: 1, baseDelayMs: 1 } },
        async (cluster) => {
          const result = await cluster.get(cmRef);
          assert.deepEqual(result, { ok: false, error: { reason, status: code, message: `boom ${code}` } });
        },
      );
    }
  });

  it("sends merge patches, status patches, SSA and dryRun as the API expects (RF-23, ST-1)", async () => {
    const reply = (r: RecordedRequest): StubReply =>
      r.url.startsWith("/apis/x.io/v1?") || r.url === "/apis/x.io/v1" ? { status: 200, body: widgetResources } : { status: 200, body: configMap };
    await withStub(reply, {}, async (cluster, requests) => {
      const widget = { apiVersion: "x.io/v1", kind: "Widget", name: "w", namespace: "ns" };
      await cluster.mergePatch(widget, { spec: { a: null, n: 3n, d: 1.5 } });
      await cluster.mergePatch(widget, { status: { ok: true } }, { subresource: "status", dryRun: true });
      await cluster.apply({ apiVersion: "x.io/v1", kind: "Widget", metadata: { name: "w", namespace: "ns" } }, { fieldManager: "koreo", force: true });
      const [discovery, patch, statusPatch, apply] = requests;
      assert.equal(discovery?.url, "/apis/x.io/v1");
      assert.equal(patch?.url, "/apis/x.io/v1/namespaces/ns/widgets/w");
      assert.equal(patch?.headers["content-type"], "application/merge-patch+json");
      assert.equal(patch?.body, '{"spec":{"a":null,"n":3,"d":1.5}}');
      assert.equal(statusPatch?.url, "/apis/x.io/v1/namespaces/ns/widgets/w/status?dryRun=All");
      assert.equal(apply?.headers["content-type"], "application/apply-patch+yaml");
      assert.equal(apply?.url, "/apis/x.io/v1/namespaces/ns/widgets/w?fieldManager=koreo&force=true");
      assert.equal(requests.length, 4, "discovery is cached per apiVersion");
    });
  });

  it("concurrent lookups of one apiVersion share a single discovery request (RF-40)", async () => {
    await withStub(
      () => ({ status: 200, body: widgetResources }),
      {},
      async (cluster, requests) => {
        const results = await Promise.all([1, 2, 3, 4].map(() => cluster.discover("x.io/v1", "Widget")));
        for (const r of results) assert.deepEqual(r, { ok: true, value: { plural: "widgets", namespaced: true, hasStatus: true } });
        assert.equal(requests.length, 1);
      },
    );
  });

  it("a failed discovery is not cached", async () => {
    const reply = (_: RecordedRequest, i: number): StubReply => (i === 0 ? status(503, "X", "down") : { status: 200, body: widgetResources });
    await withStub(reply, { readRetry: { attempts: 1, baseDelayMs: 1 } }, async (cluster) => {
      assert.equal((await cluster.discover("x.io/v1", "Widget")).ok, false);
      assert.equal((await cluster.discover("x.io/v1", "Widget")).ok, true);
    });
  });

  it("uses the bearer token provider on every request (EKS tokens expire)", async () => {
    let n = 0;
    await withStub(
      () => ({ status: 200, body: configMap }),
      { bearerToken: async () => `token-${++n}` },
      async (cluster, requests) => {
        await cluster.get(cmRef);
        await cluster.get(cmRef);
        assert.deepEqual(
          requests.map((r) => r.headers.authorization),
          ["Bearer token-1", "Bearer token-2"],
        );
      },
    );
  });

  it("a watch answered 410 is Gone; an ERROR event ends the stream with its status", async () => {
    const stream = (res: http.ServerResponse) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`${JSON.stringify({ type: "ADDED", object: configMap })}\n`);
      res.end(`${JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired", message: "too old resource version" } })}\n`);
    };
    const reply = (r: RecordedRequest): StubReply =>
      r.url.includes("resourceVersion=1&") || r.url.endsWith("resourceVersion=1") ? status(410, "Expired", "too old") : stream;
    await withStub(reply, {}, async (cluster) => {
      const gone = await cluster.watch("v1", "ConfigMap", { plural: "configmaps", resourceVersion: "1" }, () => {});
      assert.equal(!gone.ok && gone.error.reason, "Gone");
      const events: WatchEvent[] = [];
      const handle = await cluster.watch("v1", "ConfigMap", { plural: "configmaps", resourceVersion: "7" }, (e) => events.push(e));
      assert.ok(handle.ok);
      const done = await handle.value.done;
      assert.equal(!done.ok && done.error.reason, "Gone");
      assert.deepEqual(
        events.map((e) => e.type),
        ["ADDED"],
      );
      assert.deepEqual(events[0]?.object.metadata, configMap.metadata);
    });
  });

  it("watch lines split across chunks, or several in one, arrive whole and in order", async () => {
    const line = (type: string, name: string) => `${JSON.stringify({ type, object: { ...configMap, metadata: { ...configMap.metadata, name } } })}\n`;
    const stream = (res: http.ServerResponse) => {
      res.writeHead(200, { "content-type": "application/json" });
      const first = line("ADDED", "a");
      res.write(first.slice(0, 10));
      setImmediate(() => {
        res.write(first.slice(10) + "\n" + line("MODIFIED", "a") + line("BOOKMARK", "b").slice(0, 5));
        setImmediate(() => res.end(line("BOOKMARK", "b").slice(5) + line("DELETED", "a")));
      });
    };
    await withStub(
      () => stream,
      {},
      async (cluster) => {
        const events: WatchEvent[] = [];
        const handle = await cluster.watch("v1", "ConfigMap", { plural: "configmaps" }, (e) => events.push(e));
        assert.ok(handle.ok);
        assert.deepEqual(await handle.value.done, { ok: true, value: undefined }, "a stream the server ends is a clean end");
        assert.deepEqual(
          events.map((e) => `${e.type} ${String(isMapValue(e.object.metadata) ? e.object.metadata.name : "")}`),
          ["ADDED a", "MODIFIED a", "BOOKMARK b", "DELETED a"],
        );
      },
    );
  });

  it("a watch connection that breaks mid-stream ends as Unavailable; stop() ends cleanly", async () => {
    let open: http.ServerResponse | undefined;
    const stream = (res: http.ServerResponse) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`${JSON.stringify({ type: "ADDED", object: configMap })}\n`);
      open = res;
    };
    await withStub(
      () => stream,
      {},
      async (cluster) => {
        const broken = await cluster.watch("v1", "ConfigMap", { plural: "configmaps" }, () => {});
        assert.ok(broken.ok);
        open?.socket?.destroy();
        const ended = await broken.value.done;
        assert.equal(!ended.ok && ended.error.reason, "Unavailable");

        const stopped = await cluster.watch("v1", "ConfigMap", { plural: "configmaps" }, () => {});
        assert.ok(stopped.ok);
        stopped.value.stop();
        assert.deepEqual(await stopped.value.done, { ok: true, value: undefined });
      },
    );
  });
});
