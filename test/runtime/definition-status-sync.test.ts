/** CRD-3 / CRD-4: definitions-sync writes each definition's Ready condition through /status of the embedded API server, once. */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import type { ClusterApi } from "../../src/cluster/cluster-api.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";
import { createKoreoRegistry } from "../../src/program/registry.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { createDefinitionsSync } from "../../src/reconciler/definitions-sync.ts";
import { isList, isMap, type ValueMap } from "../../src/value/value.ts";
import { startCountingProxy } from "../support/counting-proxy.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const NS = "koreo-status";
const dataDir = mkdtempSync(join(tmpdir(), "koreo-definition-status-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const definitions: ValueMap[] = [
  { apiVersion: "koreo.dev/v1beta1", kind: "ValueFunction", metadata: { name: "good", namespace: NS }, spec: { return: { value: "=inputs.x" } } },
  { apiVersion: "koreo.dev/v1beta1", kind: "ValueFunction", metadata: { name: "broken", namespace: NS }, spec: { return: { value: "=inputs.x +" } } },
  {
    apiVersion: "koreo.dev/v1beta1",
    kind: "Workflow",
    metadata: { name: "lonely", namespace: NS },
    spec: { steps: [{ label: "first", ref: { kind: "ValueFunction", name: "absent" } }] },
  },
];

async function ready(cluster: ClusterApi, kind: string, name: string): Promise<{ ready: ValueMap; resourceVersion: unknown }> {
  const got = await cluster.get({ apiVersion: "koreo.dev/v1beta1", kind, name, namespace: NS });
  assert.ok(got.ok && isMap(got.value.status) && isList(got.value.status.conditions) && isMap(got.value.metadata), `${kind}:${name} has status.conditions`);
  const found = got.value.status.conditions.find((c): c is ValueMap => isMap(c) && c.type === "Ready");
  assert.ok(found !== undefined, `${kind}:${name} has a Ready condition`);
  return { ready: found, resourceVersion: got.value.metadata.resourceVersion };
}

test("CRD-3 / CRD-4 / VAL-1: a sync publishes Ready True/Prepared, False/PrepareFailed and False/DependencyMissing; a second sync writes nothing", async () => {
  const api = await startApiServer({ dataDir });
  try {
    const cluster = createClientNodeCluster(loadKubeConfig({ server: api.url }), { readRetry: { attempts: 1, baseDelayMs: 10 } });
    await applyManifests(cluster, readManifests([`${root}infra/crds`]));
    await applyManifests(cluster, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, ...definitions]);
    const sync = createDefinitionsSync({
      cluster,
      registry: createKoreoRegistry({ namespaces: [NS] }),
      koreoNamespaces: [NS],
      templateNamespaces: [NS],
      clock: fixedClock(Date.parse("2026-01-01T00:00:00Z")),
      logger: silentLogger,
      ttlSeconds: 10,
      definitionStatus: true,
    });
    await sync.refresh(false);

    const good = await ready(cluster, "ValueFunction", "good");
    assert.deepEqual(
      {
        status: good.ready.status,
        reason: good.ready.reason,
        message: good.ready.message,
        observedGeneration: good.ready.observedGeneration,
        lastTransitionTime: good.ready.lastTransitionTime,
      },
      { status: "True", reason: "Prepared", message: "Prepared.", observedGeneration: 1n, lastTransitionTime: "2026-01-01T00:00:00.000Z" },
    );
    const broken = await ready(cluster, "ValueFunction", "broken");
    assert.deepEqual([broken.ready.status, broken.ready.reason], ["False", "PrepareFailed"]);
    const lonely = await ready(cluster, "Workflow", "lonely");
    assert.deepEqual([lonely.ready.status, lonely.ready.reason], ["False", "DependencyMissing"]);
    assert.match(String(lonely.ready.message), /'ValueFunction:absent' not cached/);

    // Write avoidance: a forced re-list (a `definitions` request) and a cold container both find the status already right.
    await sync.refresh(true);
    const cold = createDefinitionsSync({
      cluster,
      registry: createKoreoRegistry({ namespaces: [NS] }),
      koreoNamespaces: [NS],
      templateNamespaces: [NS],
      clock: fixedClock(Date.parse("2026-01-02T00:00:00Z")),
      logger: silentLogger,
      ttlSeconds: 10,
      definitionStatus: true,
    });
    await cold.refresh(false);
    assert.deepEqual(
      [
        (await ready(cluster, "ValueFunction", "good")).resourceVersion,
        (await ready(cluster, "ValueFunction", "broken")).resourceVersion,
        (await ready(cluster, "Workflow", "lonely")).resourceVersion,
      ],
      [good.resourceVersion, broken.resourceVersion, lonely.resourceVersion],
    );
  } finally {
    await api.close();
  }
});

test("SRV-8: records running side by side in a cold container share one listing of the definitions; a request saying they moved lists again after it", async () => {
  const onceDir = mkdtempSync(join(tmpdir(), "koreo-definitions-once-"));
  const api = await startApiServer({ dataDir: onceDir });
  const proxy = await startCountingProxy(api.url);
  try {
    const setup = createClientNodeCluster(loadKubeConfig({ server: api.url }), { readRetry: { attempts: 1, baseDelayMs: 10 } });
    await applyManifests(setup, readManifests([`${root}infra/crds`]));
    await applyManifests(setup, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, ...definitions]);
    const registry = createKoreoRegistry({ namespaces: [NS] });
    const sync = createDefinitionsSync({
      cluster: createClientNodeCluster(loadKubeConfig({ server: proxy.url }), { readRetry: { attempts: 1, baseDelayMs: 10 } }),
      registry,
      koreoNamespaces: [NS],
      templateNamespaces: [NS],
      clock: fixedClock(Date.parse("2026-01-01T00:00:00Z")),
      logger: silentLogger,
      ttlSeconds: 10,
      definitionStatus: false,
    });
    const lists = () =>
      proxy.requests.filter((r) => r.method === "GET" && r.path.startsWith(`/apis/koreo.dev/v1beta1/namespaces/${NS}/`)).map((r) => r.path.split("/").pop());
    await Promise.all(Array.from({ length: 5 }, () => sync.refresh(false)));
    assert.deepEqual(lists().sort(), ["resourcefunctions", "resourcetemplates", "valuefunctions", "workflows"], "one list per kind for five records");
    assert.ok(registry.get("ValueFunction", "good") !== undefined, "every record waited for the listing");
    proxy.reset();
    await Promise.all([sync.refresh(false), sync.refresh(true), sync.refresh(true), sync.refresh(true)]);
    assert.equal(lists().length, 8, "within the TTL only 'moved' lists: once at once, and once more after it for the two that came while it ran");
  } finally {
    await proxy.close();
    await api.close();
    rmSync(onceDir, { recursive: true, force: true });
  }
});
