/**
 * What the server knows about one servable kind at one group/version. Built-in
 * kinds are declared in `builtins.ts`; CRDs produce these in `crd.ts`.
 */
import type { JsonObject } from "./json.ts";

export interface AdmitResult {
  readonly object: JsonObject;
  /** Paths of fields dropped because the schema does not know them. */
  readonly unknownFields: string[];
  readonly errors: { field: string; message: string }[];
}

/** A CRD version's `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly jsonPath: string;
  readonly format?: string;
  readonly description?: string;
  readonly priority: number;
}

/** The `/scale` subresource (autoscaling/v1 Scale): JSON paths such as `.spec.replicas`, as a CRD declares them. */
export interface ScaleSubresource {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  /** A string, or (Deployments) a LabelSelector object, formatted into Scale's `status.selector`. */
  readonly labelSelectorPath?: string;
}

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /** Discovery categories (`kubectl get all`, `kubectl get koreo`). */
  readonly categories: readonly string[];
  readonly statusSubresource: boolean;
  readonly scale?: ScaleSubresource;
  /** Built-in kinds accept strategic merge patches; custom resources answer 415 (as kube-apiserver does). */
  readonly strategicMerge: boolean;
  /** Prunes, defaults and validates an object; absent means anything goes. */
  readonly admit?: (object: JsonObject) => AdmitResult;
  /** A CRD version's `openAPIV3Schema`, published in OpenAPI for `kubectl explain`. */
  readonly schema?: JsonObject;
  /** A CRD version's `additionalPrinterColumns`; built-in kinds have their own in `tables/`. */
  readonly printerColumns?: readonly PrinterColumn[];
  /** Name of the CRD serving this type, so deleting the CRD can withdraw it. */
  readonly crdName?: string;
}

export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group === "" ? t.version : `${t.group}/${t.version}`;
}

/** Objects live per group+resource, whatever version they were written in. */
export function resourceKey(t: { group: string; plural: string }): string {
  return `${t.group}/${t.plural}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
