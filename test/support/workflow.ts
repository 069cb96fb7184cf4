/** Fixtures for Workflow tests: a program from YAML, an in-memory cluster with a trigger kind, one reconcile. */
import { createInMemoryCluster, type InMemoryCluster } from "../../src/cluster/adapters/in-memory.ts";
import type { ClusterApi, KubeObject } from "../../src/cluster/cluster-api.ts";
import { loadText } from "../../src/definitions/load.ts";
import type { Registry } from "../../src/definitions/registry.ts";
import { createKoreoRegistry } from "../../src/program/index.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import { fromPlain, isMap, parseJsonValue, type Value, type ValueMap } from "../../src/value/value.ts";
import { reconcileTrigger, type ReconcileConfig, type ReconcileReport } from "../../src/workflow/index.ts";
import type { ObjectRef } from "../../src/cluster/cluster-api.ts";

export const APP = { apiVersion: "acme.example.com/v1", kind: "App" } as const;

/** Prepares every definition in the YAML text; fails the test on load problems. */
export function program(yaml: string): Registry {
  const loaded = loadText(yaml, "test.koreo.yaml");
  const errors = loaded.problems.filter((p) => p.severity === "error");
  if (errors.length > 0) throw new Error(`fixture does not load: ${JSON.stringify(errors)}`);
  const registry = createKoreoRegistry();
  for (const definition of loaded.definitions) registry.upsert(definition);
  return registry;
}

/** A ValueFunction returning `return` (YAML text of a map) with optional preconditions. */
export function valueFunction(name: string, body: string): string {
  return `apiVersion: koreo.dev/v1beta1\nkind: ValueFunction\nmetadata: {name: ${name}, namespace: t}\nspec:\n${indent(body, 2)}\n---\n`;
}

export function workflow(name: string, body: string): string {
  return `apiVersion: koreo.dev/v1beta1\nkind: Workflow\nmetadata: {name: ${name}, namespace: t}\nspec:\n${indent(body, 2)}\n---\n`;
}

/** A ResourceFunction managing a ConfigMap named from `inputs.name` holding `inputs.value`. */
export function configMapFunction(name: string): string {
  return `apiVersion: koreo.dev/v1beta1
kind: ResourceFunction
metadata: {name: ${name}, namespace: t}
spec:
  apiConfig:
    apiVersion: v1
    kind: ConfigMap
    name: =inputs.name
    namespace: =inputs.namespace
  resource:
    data:
      value: =string(inputs.value)
  return:
    name: =resource.metadata.name
---
`;
}

function indent(text: string, by: number): string {
  return text
    .split("\n")
    .map((line) => " ".repeat(by) + line)
    .join("\n");
}

export function trigger(
  spec: ValueMap,
  extra: { annotations?: Record<string, string>; status?: ValueMap; name?: string; deletionTimestamp?: string } = {},
): KubeObject {
  return fromPlain({
    ...APP,
    metadata: {
      name: extra.name ?? "demo",
      namespace: "t",
      uid: "uid-demo",
      ...(extra.annotations && { annotations: extra.annotations }),
      ...(extra.deletionTimestamp && { deletionTimestamp: extra.deletionTimestamp, finalizers: ["other.io/hold"] }),
    },
    spec: spec as never,
    ...(extra.status && { status: extra.status as never }),
  }) as KubeObject;
}

export function appCluster(objects: KubeObject[], hasStatus = false): InMemoryCluster {
  const cluster = createInMemoryCluster({ clock: fixedClock(Date.UTC(2025, 5, 9, 14, 11, 10)) });
  cluster.registerKind({ ...APP, plural: "apps", namespaced: true, hasStatus });
  cluster.seed(objects);
  return cluster;
}

export const DEMO: ObjectRef = { ...APP, namespace: "t", name: "demo" };

export interface Harness {
  readonly cluster: ClusterApi;
  readonly registry: Registry;
  readonly clock: ReturnType<typeof fixedClock>;
  reconcile(ref?: ObjectRef, config?: Partial<ReconcileConfig>): Promise<ReconcileReport>;
}

export function harness(registry: Registry, cluster: ClusterApi, config: Partial<ReconcileConfig> = {}): Harness {
  const clock = fixedClock(Date.UTC(2025, 5, 9, 14, 11, 10, 123));
  return {
    cluster,
    registry,
    clock,
    reconcile: (ref = DEMO, more = {}) =>
      reconcileTrigger(ref, { cluster, definitions: registry, clock, logger: silentLogger, config: { ...config, ...more } }),
  };
}

/** The trigger as stored now. */
export async function stored(cluster: ClusterApi, ref: ObjectRef = DEMO): Promise<ValueMap> {
  const got = await cluster.get(ref);
  if (!got.ok) throw new Error(`trigger not readable: ${got.error.message}`);
  return got.value;
}

export function statusOf(object: ValueMap): ValueMap {
  return isMap(object.status) ? object.status : {};
}

export function conditionsOf(object: ValueMap): ValueMap[] {
  const conditions = statusOf(object).conditions;
  return Array.isArray(conditions) ? conditions.filter(isMap) : [];
}

export function managedResources(object: ValueMap): Value {
  const annotations = isMap(object.metadata) && isMap(object.metadata.annotations) ? object.metadata.annotations : {};
  const text = annotations["koreo.dev/managed-resources"];
  return typeof text === "string" ? parseJsonValue(text) : null;
}

/** Plain JSON (ints as numbers) for deepEqual against literals. */
export function plain(value: Value | undefined): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)));
}
