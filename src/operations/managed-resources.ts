/**
 * Reading the `koreo.dev/managed-resources` annotation (ST-11) back into a tree, for
 * `koreo inspect` (CLI-14). Pure. The annotation is written by Koreo but lives on a
 * user-editable object, so anything unexpected becomes an `invalid` entry, never a throw.
 */
import { isList, isMap, parseJsonValue, type Value, type ValueMap } from "../value/index.ts";

export const MANAGED_RESOURCES = "koreo.dev/managed-resources";

/** RF-27 identity record: what the controller needs to find the object again. */
export interface ManagedRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly plural?: string;
  readonly readonly?: boolean;
  readonly resourceFunction?: string;
}

export interface ManagedStep<E> {
  readonly label: string;
  readonly entry: E;
}

/** One Workflow's steps: the annotation's root or a sub-Workflow step. `workflow` absent when not recorded. */
export interface ManagedWorkflow<E> {
  readonly workflow?: string;
  readonly steps: readonly ManagedStep<E>[];
}

/** The managed-resources tree with its leaves of one kind: a reference here, a fetched resource in `inspect`. */
export type ManagedTreeEntry<Leaf> =
  | Leaf
  | { readonly type: "list"; readonly items: readonly ManagedTreeEntry<Leaf>[] }
  | { readonly type: "workflow"; readonly workflow: ManagedWorkflow<ManagedTreeEntry<Leaf>> }
  | { readonly type: "none" }
  | { readonly type: "invalid"; readonly value: Value };

export type ManagedEntry = ManagedTreeEntry<{ readonly type: "resource"; readonly ref: ManagedRef }>;

export type ParsedAnnotation =
  { readonly ok: true; readonly tree: ManagedWorkflow<ManagedEntry> | undefined } | { readonly ok: false; readonly message: string };

/** Undefined annotation → no tree (not a Koreo trigger, or never reconciled). */
export function parseManagedResources(text: string | undefined): ParsedAnnotation {
  if (text === undefined) return { ok: true, tree: undefined };
  let value: Value;
  try {
    value = parseJsonValue(text);
  } catch (error) {
    return { ok: false, message: `${MANAGED_RESOURCES} is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isMap(value)) return { ok: false, message: `${MANAGED_RESOURCES} is not a JSON object` };
  return { ok: true, tree: workflowOf(value) };
}

/**
 * ST-11 `{workflow, resources}`; `{}` when the Workflow (or sub-Workflow) did not run;
 * a bare label map is the reference's older flat shape, read the same way.
 */
function workflowOf(map: ValueMap): ManagedWorkflow<ManagedEntry> {
  const workflow = typeof map.workflow === "string" ? map.workflow : undefined;
  const resources = isMap(map.resources) ? map.resources : "resources" in map || "workflow" in map ? {} : map;
  const steps = Object.entries(resources).map(([label, entry]) => ({ label, entry: entryOf(entry) }));
  return workflow === undefined ? { steps } : { workflow, steps };
}

function entryOf(value: Value): ManagedEntry {
  if (value === null) return { type: "none" };
  if (isList(value)) return { type: "list", items: value.map(entryOf) };
  if (!isMap(value)) return { type: "invalid", value };
  const ref = refOf(value);
  if (ref !== undefined) return { type: "resource", ref };
  if (Object.keys(value).length === 0 || "resources" in value) return { type: "workflow", workflow: workflowOf(value) };
  return { type: "invalid", value };
}

function refOf(map: ValueMap): ManagedRef | undefined {
  const { apiVersion, kind, name, namespace, plural, readonly, resourceFunction } = map;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string") return undefined;
  return {
    apiVersion,
    kind,
    name,
    ...(typeof namespace === "string" ? { namespace } : {}),
    ...(typeof plural === "string" ? { plural } : {}),
    ...(typeof readonly === "boolean" ? { readonly } : {}),
    ...(typeof resourceFunction === "string" ? { resourceFunction } : {}),
  };
}
