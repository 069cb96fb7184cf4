/**
 * CTL-2 with ALL_NAMESPACES (`*`): definitions-sync lists every namespace in one cluster-wide list
 * and the priority list still decides a name clash; a copy's own namespace is kept (its status
 * is written there). Over the in-memory cluster.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createInMemoryCluster } from "../../src/cluster/adapters/in-memory.ts";
import { createKoreoRegistry } from "../../src/program/registry.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { createDefinitionsSync } from "../../src/reconciler/definitions-sync.ts";
import { readManifests } from "../../src/local/apply.ts";
import { fileURLToPath } from "node:url";

const crds = fileURLToPath(new URL("../../infra/crds/", import.meta.url));
const copy = (namespace: string, value: string) => ({
  apiVersion: "koreo.dev/v1beta1",
  kind: "ValueFunction",
  metadata: { name: "shared", namespace },
  spec: { return: { value } },
});

async function winner(namespaces: readonly string[]): Promise<string | undefined> {
  const clock = fixedClock(0);
  const cluster = createInMemoryCluster({ clock });
  for (const crd of readManifests([crds])) assert.ok((await cluster.create(crd)).ok);
  for (const [ns, value] of [
    ["alpha", "a"],
    ["beta", "b"],
  ] as const)
    assert.ok((await cluster.create(copy(ns, value))).ok);
  const registry = createKoreoRegistry({ namespaces });
  const sync = createDefinitionsSync({
    cluster,
    registry,
    koreoNamespaces: namespaces,
    templateNamespaces: namespaces,
    clock,
    logger: silentLogger,
    ttlSeconds: 10,
    definitionStatus: true,
  });
  await sync.refresh(false);
  return registry.get("ValueFunction", "shared")?.definition.namespace;
}

test("CTL-2: `*` reads every namespace; a namespace named before it wins a clash", async () => {
  assert.equal(await winner(["beta", "*"]), "beta");
  assert.equal(await winner(["alpha", "*"]), "alpha");
});

test("CTL-2: with `*` alone every namespace ranks the same: the first listed copy wins (CACHE-1)", async () => {
  assert.equal(await winner(["*"]), "alpha");
});

test("a named list still reads only its namespaces", async () => {
  assert.equal(await winner(["beta"]), "beta");
  assert.equal(await winner(["gamma"]), undefined);
});
