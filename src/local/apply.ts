/**
 * `kubectl apply` for `npm start` and tests: YAML files and directories applied
 * with server-side apply, CRDs first, namespaces created as needed. FunctionTests
 * (`*.test.k.yaml`) are skipped: they are for `koreo test`, not the cluster.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ClusterApi, KubeObject } from "../cluster/index.ts";
import { formatProblem, yamlValues } from "../definitions/index.ts";
import { isMap } from "../value/index.ts";

/** Manifests read as kubectl reads them: YAML 1.1 scalars (`yes` is true, FT-34), no language tags. Throws naming file:line. */
export function readManifests(paths: readonly string[]): KubeObject[] {
  return paths.flatMap(files).flatMap((file) => {
    const parsed = yamlValues(readFileSync(file, "utf8"), file);
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join("\n"));
    return parsed.values
      .filter(isMap)
      .map(withoutServerFields)
      .filter((o) => o.kind !== "FunctionTest");
  });
}

function files(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })) return [];
  if (!statSync(path).isDirectory()) return /\.ya?ml$/.test(path) && !path.endsWith(".test.k.yaml") ? [path] : [];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => files(join(path, entry)));
}

/** Applies in dependency order; returns how many objects were applied. Throws on the first failure. */
export async function applyManifests(cluster: ClusterApi, objects: readonly KubeObject[]): Promise<number> {
  const rank = (o: KubeObject) => (o.kind === "CustomResourceDefinition" ? 0 : o.kind === "Namespace" ? 1 : 2);
  const ordered = [...objects].sort((a, b) => rank(a) - rank(b));
  const namespaces = new Set(ordered.flatMap((o) => (isMap(o.metadata) && typeof o.metadata.namespace === "string" ? [o.metadata.namespace] : [])));
  for (const namespace of namespaces) await applyOne(cluster, { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  for (const object of ordered) await applyOne(cluster, object);
  return ordered.length;
}

async function applyOne(cluster: ClusterApi, object: KubeObject): Promise<void> {
  const applied = await cluster.apply(object, { fieldManager: "koreo-start", force: true });
  if (!applied.ok) {
    const name = isMap(object.metadata) ? String(object.metadata.name) : "?";
    throw new Error(`applying ${String(object.kind)}/${name}: ${applied.error.reason}: ${applied.error.message}`);
  }
}

/** Examples may carry a uid (for offline `koreo render`); the server assigns its own. */
function withoutServerFields(object: KubeObject): KubeObject {
  if (!isMap(object.metadata)) return object;
  const { uid: _uid, resourceVersion: _rv, ...metadata } = object.metadata;
  return { ...object, metadata };
}
