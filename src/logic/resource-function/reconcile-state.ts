/** What the mutating steps of one reconcile share. */
import type { ClusterApi, ObjectRef } from "../../cluster/index.ts";
import type { Scope } from "../../expressions/index.ts";
import type { OwnerReference, PreparedResourceFunction } from "../types.ts";
import type { Identity } from "./identity.ts";

export interface ReconcileState {
  readonly fn: PreparedResourceFunction;
  readonly scope: Scope;
  readonly identity: Identity;
  readonly ref: ObjectRef;
  /** `<Kind>:<ns>:<name>` for messages. */
  readonly display: string;
  readonly cluster: ClusterApi;
  /** Set when this resource should carry the owner (RF-24). */
  readonly owner: OwnerReference | undefined;
}
