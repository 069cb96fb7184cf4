/**
 * A Workflow's `spec.crdRef` (WF-2, CTL-5): the one parser, the one rule for the core
 * group (not bindable: all three fields must be non-empty), and the one index key, used
 * by preparation, the catalog, the relay and the CLI alike, so the relay never watches
 * a kind no Workflow can bind.
 */
import type { KindRef } from "../cluster/index.ts";
import { isMap, type Value } from "../value/index.ts";

export interface CrdRef {
  readonly apiGroup: string;
  readonly version: string;
  readonly kind: string;
}

/** WF-2: all three fields non-empty strings, or no crdRef at all. */
export function parseCrdRef(value: Value | undefined): CrdRef | undefined {
  if (!isMap(value)) return undefined;
  const { apiGroup, version, kind } = value;
  if (typeof apiGroup !== "string" || typeof version !== "string" || typeof kind !== "string") return undefined;
  if (apiGroup === "" || version === "" || kind === "") return undefined;
  return { apiGroup, version, kind };
}

/** The kind a Workflow object binds, read from the object as it is (prepared or not: CTL-5 recommendation). */
export function boundKindOf(workflow: { readonly spec?: Value }): KindRef | undefined {
  const ref = parseCrdRef(isMap(workflow.spec) ? workflow.spec.crdRef : undefined);
  return ref === undefined ? undefined : { apiVersion: `${ref.apiGroup}/${ref.version}`, kind: ref.kind };
}

/** CTL-5: the index key `<apiGroup>:<kind>:<version>` of a kind. */
export function kindKey(ref: KindRef): string {
  const slash = ref.apiVersion.indexOf("/");
  const group = slash === -1 ? "" : ref.apiVersion.slice(0, slash);
  return `${group}:${ref.kind}:${ref.apiVersion.slice(slash + 1)}`;
}
