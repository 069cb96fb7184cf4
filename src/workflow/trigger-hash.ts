import type { KubeObject } from "../cluster/cluster-api.ts";
import { isMap, type ValueMap } from "../value/value.ts";
import { canonicalJson } from "../value/canonical-json.ts";
import { sha256Hex } from "./sha256.ts";

export const MANAGED_RESOURCES_ANNOTATION = "koreo.dev/managed-resources";

/**
 * CTL-8 with its recommendation: SHA-256 of the canonical JSON of labels, annotations
 * and spec. Only the annotation Koreo writes itself and `kubectl.kubernetes.io/*` are
 * left out, so `koreo.dev/workflow`, `koreo.dev/merge-conditions` and
 * `koreo.dev/last-manual-reconcile` changes do start a run.
 */
export function triggerHash(object: KubeObject): string {
  const metadata = isMap(object.metadata) ? object.metadata : {};
  const annotations: ValueMap = {};
  if (isMap(metadata.annotations)) {
    for (const [key, value] of Object.entries(metadata.annotations)) {
      if (key === MANAGED_RESOURCES_ANNOTATION || key.startsWith("kubectl.kubernetes.io")) continue;
      annotations[key] = value;
    }
  }
  const summary = { metadata: { labels: metadata.labels ?? null, annotations }, spec: object.spec ?? null };
  return sha256Hex(canonicalJson(summary));
}
