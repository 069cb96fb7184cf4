/** The runtime tests' trigger: an in-memory cluster that knows the e2e Widget kind and holds one Widget, `ns/w`. */
import assert from "node:assert/strict";
import { createInMemoryCluster, type InMemoryCluster } from "../../src/cluster/adapters/in-memory.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import type { TriggerRef } from "../../src/queue/messages.ts";
import { isMap } from "../../src/value/value.ts";

export const WIDGET_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.e2e.koreo.dev" },
  spec: {
    group: "e2e.koreo.dev",
    scope: "Namespaced",
    names: { kind: "Widget", plural: "widgets", singular: "widget" },
    versions: [{ name: "v1", served: true, storage: true }],
  },
};

export async function widgetCluster(): Promise<{ clock: ReturnType<typeof fixedClock>; cluster: InMemoryCluster; trigger: TriggerRef }> {
  const clock = fixedClock(1_000_000);
  const cluster = createInMemoryCluster({ clock });
  assert.ok((await cluster.create(WIDGET_CRD)).ok);
  const created = await cluster.create({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", metadata: { name: "w", namespace: "ns" }, spec: { v: "1" } });
  assert.ok(created.ok && isMap(created.value.metadata));
  return { clock, cluster, trigger: { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", namespace: "ns", name: "w", uid: String(created.value.metadata.uid) } };
}
