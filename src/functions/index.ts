/**
 * @module functions — ValueFunction, ResourceFunction, ResourceTemplate (functions.md).
 *
 * CONTRACT used by the Workflow engine and the FunctionTest runner; the
 * implementation lives in sibling folders and keeps these names and types.
 */
import type { ClusterApi } from "../cluster/cluster-api.ts";
import type { DefinitionLookup, Preparer } from "../definitions/definition.ts";
import type { Outcome } from "../outcome/outcome.ts";
import type { Value, ValueMap } from "../value/value.ts";

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
}

export interface ResourceFunctionResult {
  readonly outcome: Outcome;
  readonly resource?: ManagedResourceRecord;
}

export interface PreparedValueFunction {
  readonly kind: "ValueFunction";
  readonly name: string;
  /** First-level `inputs.X` names it reads (RF-31). */
  readonly inputNames: ReadonlySet<string>;
}

export interface PreparedResourceFunction {
  readonly kind: "ResourceFunction";
  readonly name: string;
  readonly inputNames: ReadonlySet<string>;
}

export interface PreparedResourceTemplate {
  readonly kind: "ResourceTemplate";
  readonly name: string;
  readonly template: ValueMap;
}

export declare const prepareValueFunction: Preparer<PreparedValueFunction>;
export declare const prepareResourceFunction: Preparer<PreparedResourceFunction>;
export declare const prepareResourceTemplate: Preparer<PreparedResourceTemplate>;

/** VF-2. `base` is the current Target Resource Specification when used as an overlay (VF-6). */
export declare function runValueFunction(fn: PreparedValueFunction, inputs: Value, base?: ValueMap): Outcome;

/** RF-10. Never rejects: API failures become outcomes (RF-20, RF-21, RF-28). */
export declare function runResourceFunction(
  fn: PreparedResourceFunction,
  inputs: Value,
  context: ResourceFunctionContext,
): Promise<ResourceFunctionResult>;
