/**
 * The runtime's notion of drift, shared with the relay as `changeHash` is: a managed object's
 * fields that differ from what Koreo last applied and that another field manager wrote
 * (logic compare/drift.ts). The relay re-enqueues the owning trigger for them; Koreo's own
 * writes never show any, so they enqueue nothing.
 */
import type { KubeObject } from "../cluster/index.ts";
import { LAST_APPLIED_ANNOTATION, objectDrift, type FieldDrift } from "../logic/index.ts";

export type { FieldDrift } from "../logic/index.ts";

export function driftOf(object: KubeObject): readonly FieldDrift[] {
  return objectDrift(object);
}

export { LAST_APPLIED_ANNOTATION };
