/** Shared fixtures for ResourceFunction tests: a ConfigMap function, an owner, a reconcile helper. */
import { createInMemoryCluster, type InMemoryCluster } from "../../src/cluster/adapters/in-memory.ts";
import type { ClusterApi, KubeObject } from "../../src/cluster/cluster-api.ts";
import type { DefinitionLookup } from "../../src/definitions/definition.ts";
import { prepareResourceFunction, runResourceFunction } from "../../src/logic/index.ts";
import type { Owner, PreparedResourceFunction, ResourceFunctionResult } from "../../src/logic/index.ts";
import { isMap, type Value, type ValueMap } from "../../src/value/value.ts";
import { createLookup, definition, ready } from "./logic.ts";

export const OWNER: Owner = {
  namespace: "ns",
  reference: { apiVersion: "acme.example.com/v1", kind: "App", name: "app", uid: "owner-uid", blockOwnerDeletion: true, controller: false },
};

/** A ConfigMap `cm` in `ns` whose `data.color` comes from the inputs; `extra` is appended YAML. */
export function configMapSpec(extra = "", apiConfigExtra = ""): string {
  return `
apiConfig:
  apiVersion: v1
  kind: ConfigMap
  plural: configmaps
  name: =inputs.name
  namespace: ns
${apiConfigExtra}
${extra}`;
}

export const RESOURCE = `
resource:
  data:
    color: =inputs.color
return:
  color: =resource.data.color
`;

export function rf(spec: string, lookup: DefinitionLookup = createLookup(), name = "rf"): PreparedResourceFunction {
  return ready(prepareResourceFunction(definition("ResourceFunction", name, spec), lookup));
}

export interface Harness {
  readonly cluster: InMemoryCluster;
  run(
    fn: PreparedResourceFunction,
    inputs: Value,
    options?: { owner?: Owner | null; definitions?: DefinitionLookup; cluster?: ClusterApi },
  ): Promise<ResourceFunctionResult>;
  live(name?: string): KubeObject | undefined;
}

export function harness(): Harness {
  const cluster = createInMemoryCluster();
  return {
    cluster,
    run: (fn, inputs, options = {}) =>
      runResourceFunction(fn, inputs, {
        cluster: options.cluster ?? cluster,
        definitions: options.definitions ?? createLookup(),
        ...(options.owner === null ? {} : { owner: options.owner ?? OWNER }),
      }),
    live: (name = "cm") => cluster.all().find((o) => isMap(o.metadata) && o.metadata.name === name),
  };
}

export function at(v: Value | undefined, ...path: string[]): Value | undefined {
  let cur: Value | undefined = v;
  for (const key of path) cur = isMap(cur) ? cur[key] : undefined;
  return cur;
}

export function annotations(o: ValueMap | undefined): ValueMap {
  const a = at(o, "metadata", "annotations");
  return isMap(a) ? a : {};
}
