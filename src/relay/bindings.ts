/**
 * Which trigger kinds to watch (CTL-5, SRV-1): every kind some Workflow's
 * `spec.crdRef` names, read with the engine's one crdRef parser (workflow/crd-ref.ts)
 * from the Workflow objects as they are, without preparing them: a Workflow that
 * fails to prepare keeps its binding (CTL-5 recommendation), so its triggers still
 * get WorkflowNotReady, and the relay never watches a kind no Workflow can bind.
 */
import type { KindRef } from "../cluster/index.ts";
import { kindKey } from "../workflow/index.ts";

/** The distinct kinds bound by a set of Workflows (by Workflow name → the kind it binds). */
export function boundKindsOf(workflows: ReadonlyMap<string, KindRef>): Map<string, KindRef> {
  const out = new Map<string, KindRef>();
  for (const ref of workflows.values()) out.set(kindKey(ref), ref);
  return out;
}
