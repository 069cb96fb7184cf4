/**
 * Types shared by the function modules: the public contract (re-exported by
 * index.ts) and the shapes prepare hands to run. Run code imports only these
 * types from prepare code.
 */
import type { ClusterApi } from "../cluster/index.ts";
import type { DefinitionLookup } from "../definitions/index.ts";
import type { CompiledBody, CompiledOverlay, CompiledPredicates } from "../expressions/index.ts";
import type { Outcome } from "../outcome/index.ts";
import type { ValueMap } from "../value/index.ts";

/** The owner reference a Workflow passes to ResourceFunctions (RF-24, WF-19). */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly blockOwnerDeletion?: boolean;
  readonly controller?: boolean;
}

export interface Owner {
  /** The trigger's namespace; only resources in it get the owner reference (RF-24). */
  readonly namespace: string;
  readonly reference: OwnerReference;
}

/** RF-27: identity record reported with a ResourceFunction's outcome. */
export interface ManagedResourceRecord {
  readonly apiVersion: string;
  readonly kind: string;
  /** Empty when plural discovery itself failed (RF-40). */
  readonly plural: string;
  readonly name: string;
  readonly namespace?: string;
  readonly readonly: boolean;
  readonly resourceFunction: string;
}

export interface ResourceFunctionContext {
  readonly cluster: ClusterApi;
  /** Current definitions, for ResourceTemplates (RT-5) looked up per reconcile. */
  readonly definitions: DefinitionLookup;
  /** Absent in FunctionTests (FTF-3: no owner references in tests). */
  readonly owner?: Owner;
  /**
   * WF-28: aborted when the step's time budget runs out. Checked before every API
   * call: an aborted run sends nothing more and ends in a Retry (delay 30).
   */
  readonly signal?: AbortSignal;
}

export interface ResourceFunctionResult {
  readonly outcome: Outcome;
  readonly resource?: ManagedResourceRecord;
  /** Set when this pass wrote back a field another field manager had changed (drift.ts); the outcome is the same either way. */
  readonly drift?: ResourceDrift;
}

/** A correction of someone else's change to an object Koreo applied: which object, which field, whose change. */
export interface ResourceDrift {
  readonly object: { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string };
  /** e.g. `data.key`. */
  readonly field: string;
  /** The other field manager (managedFields); undefined when they do not say. */
  readonly manager?: string;
}

export interface PreparedValueFunction {
  readonly kind: "ValueFunction";
  readonly name: string;
  /** First-level `inputs.X` names it reads (RF-31). */
  readonly inputNames: ReadonlySet<string>;
  /** `ValueFunction:<ns>:<name>`, the prefix of every evaluation location. */
  readonly location: string;
  readonly preconditions: CompiledPredicates | undefined;
  readonly locals: CompiledBody | undefined;
  /** VF-2: absent (or `{}`) means the function returns `null`. */
  readonly returns: CompiledOverlay | undefined;
}

/** RF-1, with schema defaults applied. `identity` is `{name, namespace}` compiled as one body (BODY-1). */
export interface PreparedApiConfig {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string | undefined;
  readonly namespaced: boolean;
  readonly owned: boolean;
  readonly readonly: boolean;
  readonly deleteIfExists: boolean;
  readonly identity: CompiledBody;
}

/** RF-4: where the Target Resource Specification starts. */
export type PreparedSource =
  { readonly kind: "inline"; readonly body: CompiledBody | undefined } | { readonly kind: "template"; readonly name: CompiledBody | undefined };

/** One `spec.overlays[i]` item (RF-5). */
export type PreparedOverlayItem =
  | { readonly kind: "inline"; readonly index: number; readonly skipIf: CompiledBody | undefined; readonly overlay: CompiledOverlay }
  | {
      readonly kind: "ref";
      readonly index: number;
      readonly skipIf: CompiledBody | undefined;
      readonly inputs: CompiledBody | undefined;
      readonly function: PreparedValueFunction;
    };

/** RF-30: all items prepared, or the combined failure every reconcile reaching step 8 returns. */
export type PreparedOverlays = { readonly ok: true; readonly items: readonly PreparedOverlayItem[] } | { readonly ok: false; readonly outcome: Outcome };

export interface PreparedCreate {
  readonly enabled: boolean;
  readonly delay: number;
  readonly overlay: CompiledOverlay | undefined;
}

/** RF-7: the update strategy on a difference (patch, recreate or never) with its delay. */
export type PreparedUpdate =
  { readonly strategy: "patch"; readonly delay: number } | { readonly strategy: "recreate"; readonly delay: number } | { readonly strategy: "never" };

export interface PreparedResourceFunction {
  readonly kind: "ResourceFunction";
  readonly name: string;
  readonly inputNames: ReadonlySet<string>;
  /** `ResourceFunction:<ns>:<name>`. */
  readonly location: string;
  readonly apiConfig: PreparedApiConfig;
  readonly preconditions: CompiledPredicates | undefined;
  readonly locals: CompiledBody | undefined;
  readonly source: PreparedSource;
  readonly overlays: PreparedOverlays;
  readonly create: PreparedCreate;
  readonly update: PreparedUpdate;
  readonly postconditions: CompiledPredicates | undefined;
  readonly returns: CompiledBody | undefined;
}

export interface PreparedResourceTemplate {
  readonly kind: "ResourceTemplate";
  readonly name: string;
  readonly template: ValueMap;
}
