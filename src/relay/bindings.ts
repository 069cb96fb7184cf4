/**
 * Which trigger kinds to watch (CTL-5, SRV-1): every kind some Workflow's
 * `spec.crdRef` names. Read from the Workflow objects as they are, without
 * preparing them: a Workflow that fails to prepare keeps its binding (CTL-5
 * recommendation), so its triggers still get WorkflowNotReady.
 */
import type { KubeObject } from "../cluster/cluster-api.ts";
import { isMap } from "../value/value.ts";

export interface BoundKindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

export function crdRefOf(workflow: KubeObject): BoundKindRef | undefined {
  const spec = workflow.spec;
  const ref = isMap(spec) ? spec.crdRef : undefined;
  if (!isMap(ref)) return undefined;
  const { apiGroup, version, kind } = ref;
  if (typeof apiGroup !== "string" || typeof version !== "string" || typeof kind !== "string" || version === "" || kind === "") return undefined;
  return { apiVersion: apiGroup === "" ? version : `${apiGroup}/${version}`, kind };
}

export function kindKey(ref: BoundKindRef): string {
  return `${ref.apiVersion}:${ref.kind}`;
}

/** The distinct kinds bound by a set of Workflows (by Workflow name → its crdRef). */
export function boundKindsOf(workflows: ReadonlyMap<string, BoundKindRef>): Map<string, BoundKindRef> {
  const out = new Map<string, BoundKindRef>();
  for (const ref of workflows.values()) out.set(kindKey(ref), ref);
  return out;
}
