import { metadataOf } from "../cluster/index.ts";
import type { KubeObject } from "../cluster/index.ts";
import { isMap, type ValueMap } from "../value/index.ts";
import { canonicalJson } from "../value/index.ts";
import { sha256Hex } from "./sha256.ts";

export const MANAGED_RESOURCES_ANNOTATION = "koreo.dev/managed-resources";

/**
 * CTL-8 with its recommendation: SHA-256 of the canonical JSON of labels, annotations
 * and spec. Only the annotation Koreo writes itself and `kubectl.kubernetes.io/*` are
 * left out, so `koreo.dev/workflow`, `koreo.dev/merge-conditions` and
 * `koreo.dev/last-manual-reconcile` changes do start a run.
 */
export function triggerHash(object: KubeObject): string {
  const metadata = metadataOf(object);
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
