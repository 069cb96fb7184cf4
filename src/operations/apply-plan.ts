/**
 * `koreo apply` planning (CLI-10), pure: which objects to apply, in which order, in
 * which namespace, and how to describe what an apply did. No I/O.
 */
import { byDependencyOrder } from "../definitions/index.ts";
import { definitionProblem, type Definition, type ForeignDocument, type Problem } from "../definitions/index.ts";
import type { KubeObject } from "../cluster/index.ts";
import { isCrd } from "../cluster/index.ts";
import { valuesEqual } from "../value/index.ts";
import { isMap, type Value, type ValueMap } from "../value/index.ts";

export type Change = "created" | "configured" | "unchanged";

export interface ApplyItem {
  readonly object: KubeObject;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped objects (CRDs). */
  readonly namespace?: string;
}

export interface ApplyPlan {
  readonly items: readonly ApplyItem[];
  readonly problems: readonly Problem[];
}

export interface PlanOptions {
  /** `--namespace` when given explicitly; otherwise undefined. */
  readonly namespace: string | undefined;
  readonly defaultNamespace: string;
  readonly includeCrds: boolean;
  /** Apply a Namespace for every namespace the definitions go to (they must exist first). */
  readonly createNamespaces: boolean;
}

/**
 * Definitions go dependencies first (CTL-1), so a controller watching them prepares each
 * one once, against references that already exist.
 */
export function planApply(definitions: readonly Definition[], foreign: readonly ForeignDocument[], options: PlanOptions): ApplyPlan {
  const problems = definitions.flatMap((d) => namespaceConflict(d, options.namespace));
  const crds = options.includeCrds ? foreign.flatMap(crdItem) : [];
  const ordered = [...definitions].sort(byDependencyOrder);
  const namespace = options.namespace ?? options.defaultNamespace;
  const items = ordered.map((d) => definitionItem(d, namespace));
  const namespaces = options.createNamespaces ? namespaceItems(items) : [];
  return { items: [...crds, ...namespaces, ...items], problems };
}

/** Only `metadata.name`: applying it over an existing Namespace changes nothing and conflicts with no one. */
function namespaceItems(items: readonly ApplyItem[]): ApplyItem[] {
  const names = [...new Set(items.flatMap((i) => (i.namespace === undefined ? [] : [i.namespace])))];
  return names.map((name) => ({ object: { apiVersion: "v1", kind: "Namespace", metadata: { name } }, kind: "Namespace", name }));
}

/** CLI-10 / CLI-1 quirk: an explicit namespace never silently overrides the document's own. */
function namespaceConflict(definition: Definition, namespace: string | undefined): Problem[] {
  if (namespace === undefined || definition.namespace === undefined || definition.namespace === namespace) return [];
  const message = `the document's namespace '${definition.namespace}' conflicts with --namespace ${namespace}`;
  return [definitionProblem("error", definition, "metadata.namespace", message)];
}

function definitionItem(definition: Definition, fallbackNamespace: string): ApplyItem {
  const namespace = definition.namespace ?? fallbackNamespace;
  const metadata = isMap(definition.raw.metadata) ? definition.raw.metadata : {};
  const object: KubeObject = { ...definition.raw, metadata: { ...metadata, namespace } };
  return { object, kind: definition.kind, name: definition.name, namespace };
}

/** CRDs are cluster-scoped: the namespace flags do not apply to them. */
function crdItem(document: ForeignDocument): ApplyItem[] {
  const raw = document.raw;
  if (!isMap(raw) || !isCrd(raw)) return [];
  const metadata = isMap(raw.metadata) ? raw.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : "";
  return [{ object: raw, kind: "CustomResourceDefinition", name }];
}

/** `<Kind>/<ns>/<name>`, or `<Kind>/<name>` for cluster-scoped objects. */
export function itemLabel(item: Pick<ApplyItem, "kind" | "name" | "namespace">): string {
  return item.namespace === undefined ? `${item.kind}/${item.name}` : `${item.kind}/${item.namespace}/${item.name}`;
}

function resourceVersionOf(object: KubeObject): string | undefined {
  const metadata = object.metadata;
  return isMap(metadata) && typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : undefined;
}

/** Server-maintained bookkeeping that moves without the object's content changing. */
const BOOKKEEPING = ["resourceVersion", "managedFields", "generation"];

function withoutBookkeeping(object: KubeObject): ValueMap {
  const metadata = isMap(object.metadata) ? object.metadata : {};
  const kept = Object.fromEntries(Object.entries(metadata).filter(([key]) => !BOOKKEEPING.includes(key)));
  return { ...object, metadata: kept };
}

/**
 * What an apply did, from the object before (undefined: absent) and the server's answer.
 * A real write is judged by the resourceVersion (the server bumps it iff it stored a
 * change); a server dry run never stores, so there the content is compared instead.
 */
export function classifyApply(before: KubeObject | undefined, after: KubeObject, serverDryRun: boolean): Change {
  if (before === undefined) return "created";
  if (serverDryRun) return valuesEqual(withoutBookkeeping(before), withoutBookkeeping(after)) ? "unchanged" : "configured";
  return resourceVersionOf(before) === resourceVersionOf(after) ? "unchanged" : "configured";
}

/**
 * `--dry-run=client`: what an apply would do, judged locally. Server-side apply only
 * sets the fields the document names, so the live object is unchanged iff it already
 * holds every one of them (lists compared whole, as SSA replaces atomic lists).
 */
export function predictApply(desired: KubeObject, live: KubeObject | undefined): Change {
  if (live === undefined) return "created";
  return contains(live, desired) ? "unchanged" : "configured";
}

function contains(live: Value | undefined, desired: Value): boolean {
  if (!isMap(desired) || !isMap(live)) return valuesEqual(live, desired);
  return Object.entries(desired).every(([key, value]) => contains(live[key], value));
}
