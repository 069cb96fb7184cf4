/**
 * WF-28 cancellation: a ResourceFunction run whose step ran out of time must make
 * no further API calls. The in-flight call cannot be taken back, but every call
 * after the abort is refused before it is sent; the run then ends in
 * `abortedOutcome` (the step itself is already reported as timed out).
 */
import type { ClusterApi } from "../../cluster/index.ts";
import { Outcome } from "../../outcome/index.ts";

/** Thrown (and caught in runResourceFunction) when a call is attempted after the abort. */
export class RunAborted extends Error {
  constructor() {
    super("the run was aborted at its deadline");
    this.name = "RunAborted";
  }
}

/** WF-28: the same delay the Workflow gives a step still running at its deadline. */
export const ABORTED_DELAY = 30;

export function abortedOutcome(location: string): Outcome {
  return Outcome.retry(ABORTED_DELAY, `Timeout running \`${location}\`, will retry.`, location);
}

/** `cluster` with every call checking `signal` first; a call after the abort throws RunAborted and is never sent. */
export function abortableCluster(cluster: ClusterApi, signal: AbortSignal): ClusterApi {
  const check = (): void => {
    if (signal.aborted) throw new RunAborted();
  };
  return {
    get: async (ref) => (check(), cluster.get(ref)),
    list: async (apiVersion, kind, options) => (check(), cluster.list(apiVersion, kind, options)),
    discover: async (apiVersion, kind) => (check(), cluster.discover(apiVersion, kind)),
    create: async (object, options) => (check(), cluster.create(object, options)),
    mergePatch: async (ref, patch, options) => (check(), cluster.mergePatch(ref, patch, options)),
    apply: async (object, options) => (check(), cluster.apply(object, options)),
    delete: async (ref, options) => (check(), cluster.delete(ref, options)),
  } satisfies ClusterApi;
}
