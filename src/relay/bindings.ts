/**
 * Which kinds to watch (CTL-5, SRV-1):
 * - trigger kinds: every kind some Workflow's `spec.crdRef` names, read with the engine's one
 *   crdRef parser (workflow/crd-ref.ts) from the Workflow objects as they are, without preparing
 *   them: a Workflow that fails to prepare keeps its binding (CTL-5 recommendation), so its
 *   triggers still get WorkflowNotReady, and the relay never watches a kind no Workflow can bind;
 * - managed kinds (drift): every kind a ResourceFunction's `spec.apiConfig` (RF-1) names and may
 *   correct, read the same way from the ResourceFunction objects. `apiVersion` and `kind` are plain
 *   strings there (only name and namespace are expressions), and a ResourceTemplate a function
 *   uses must be of the function's kind, so the set is known before any run. Left out: `readonly`
 *   and `deleteIfExists` functions (Koreo never puts anything back), `update: never` (differences
 *   are ignored), and cluster-scoped kinds (`namespaced: false`: RF-24 gives them no owner
 *   reference, so a change could not be traced to its trigger).
 */
import type { KindRef, KubeObject } from "../cluster/index.ts";
import { isMap } from "../value/index.ts";
import { kindKey } from "../workflow/index.ts";

/** The distinct kinds bound by a set of Workflows (by Workflow name → the kind it binds). */
export function boundKindsOf(workflows: ReadonlyMap<string, KindRef>): Map<string, KindRef> {
  const out = new Map<string, KindRef>();
  for (const ref of workflows.values()) out.set(kindKey(ref), ref);
  return out;
}

/** The kind a ResourceFunction object manages and may correct; undefined when it corrects nothing. */
export function managedKindOf(resourceFunction: KubeObject): KindRef | undefined {
  const spec = isMap(resourceFunction.spec) ? resourceFunction.spec : undefined;
  const api = isMap(spec?.apiConfig) ? spec.apiConfig : undefined;
  if (api === undefined || typeof api.apiVersion !== "string" || typeof api.kind !== "string" || api.apiVersion === "" || api.kind === "") return undefined;
  if (api.readonly === true || api.deleteIfExists === true || api.namespaced === false) return undefined;
  if (isMap(spec?.update) && spec.update.never !== undefined) return undefined;
  return { apiVersion: api.apiVersion, kind: api.kind };
}
