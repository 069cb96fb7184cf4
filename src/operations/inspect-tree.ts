/**
 * `koreo inspect` (CLI-2, CLI-14): fetches a trigger and, following its
 * `koreo.dev/managed-resources` annotation, every object it manages, recursively
 * (a managed object may itself be a trigger with its own annotation). Reads go
 * through a port; nothing here knows about HTTP.
 */
import type { ClusterResult, KubeObject } from "../cluster/index.ts";
import { isMap, type Value } from "../value/index.ts";
import {
  MANAGED_RESOURCES,
  parseManagedResources,
  type ManagedEntry,
  type ManagedRef,
  type ManagedTreeEntry,
  type ManagedWorkflow,
} from "./managed-resources.ts";

export type Fetch = (ref: ManagedRef) => Promise<ClusterResult<KubeObject>>;

export type InspectedEntry = ManagedTreeEntry<{ readonly type: "resource"; readonly resource: InspectedResource }>;

export interface InspectedResource {
  readonly ref: ManagedRef;
  /** Absent when missing or unreadable. */
  readonly object?: KubeObject;
  readonly missing: boolean;
  readonly error?: string;
  /** The object's own managed resources, when it carries the annotation. */
  readonly managed?: ManagedWorkflow<InspectedEntry>;
  /** Why `managed` is absent although the annotation is there (bad JSON, already shown above). */
  readonly managedError?: string;
}

/** Managed trees nest through sub-Workflows and triggers-of-triggers; a cycle or runaway chain stops here. */
const MAX_DEPTH = 16;

export function inspect(ref: ManagedRef, fetch: Fetch): Promise<InspectedResource> {
  return inspectResource(ref, fetch, new Set(), 0);
}

function keyOf(ref: ManagedRef): string {
  return `${ref.apiVersion}\u0000${ref.kind}\u0000${ref.namespace ?? ""}\u0000${ref.name}`;
}

async function inspectResource(ref: ManagedRef, fetch: Fetch, seen: ReadonlySet<string>, depth: number): Promise<InspectedResource> {
  const got = await fetch(ref);
  if (!got.ok) return got.error.reason === "NotFound" ? { ref, missing: true } : { ref, missing: false, error: got.error.message };
  const object = got.value;
  const key = keyOf(ref);
  if (seen.has(key)) return { ref, object, missing: false, managedError: "already shown above (cycle)" };
  if (depth >= MAX_DEPTH) return { ref, object, missing: false, managedError: `not followed deeper than ${MAX_DEPTH} levels` };
  const parsed = parseManagedResources(annotationOf(object));
  if (!parsed.ok) return { ref, object, missing: false, managedError: parsed.message };
  if (parsed.tree === undefined) return { ref, object, missing: false };
  const managed = await inspectWorkflow(parsed.tree, fetch, new Set([...seen, key]), depth + 1);
  return { ref, object, missing: false, managed };
}

async function inspectWorkflow(
  tree: ManagedWorkflow<ManagedEntry>,
  fetch: Fetch,
  seen: ReadonlySet<string>,
  depth: number,
): Promise<ManagedWorkflow<InspectedEntry>> {
  const steps = [];
  // One at a time, in declaration order: the output order is the annotation's, and the API server is spared a burst.
  for (const step of tree.steps) steps.push({ label: step.label, entry: await inspectEntry(step.entry, fetch, seen, depth) });
  return tree.workflow === undefined ? { steps } : { workflow: tree.workflow, steps };
}

async function inspectEntry(entry: ManagedEntry, fetch: Fetch, seen: ReadonlySet<string>, depth: number): Promise<InspectedEntry> {
  switch (entry.type) {
    case "resource":
      return { type: "resource", resource: await inspectResource(entry.ref, fetch, seen, depth) };
    case "list": {
      const items = [];
      for (const item of entry.items) items.push(await inspectEntry(item, fetch, seen, depth));
      return { type: "list", items };
    }
    case "workflow":
      return { type: "workflow", workflow: await inspectWorkflow(entry.workflow, fetch, seen, depth) };
    case "none":
    case "invalid":
      return entry;
  }
}

function annotationOf(object: KubeObject): string | undefined {
  const metadata = isMap(object.metadata) ? object.metadata : undefined;
  const annotations = isMap(metadata?.annotations) ? metadata.annotations : undefined;
  const value = annotations?.[MANAGED_RESOURCES];
  return typeof value === "string" ? value : undefined;
}
