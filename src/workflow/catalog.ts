import type { DefinitionLookup, KoreoKind, RegistryEntry } from "../definitions/index.ts";
import type { KindRef } from "../cluster/index.ts";
import { boundKindOf, kindKey } from "./crd-ref.ts";

/**
 * The registry as the reconciler sees it: lookups by kind and name plus a listing per
 * kind. `generation` (when the registry has one) lets the crdRef index be built once
 * per change instead of once per reconcile.
 */
export interface WorkflowCatalog extends DefinitionLookup {
  entries(kind: KoreoKind): Iterable<RegistryEntry>;
  readonly generation?: number;
}

/** A trigger kind some Workflow binds (what the relay watches, SRV-1). */
export interface BoundKind extends KindRef {
  readonly key: string;
  /** Names of the Workflows bound to it, sorted. */
  readonly workflows: readonly string[];
}

/**
 * CTL-5 with its recommendation: a Workflow stays bound through its spec's crdRef even
 * when its preparation fails, so its triggers report WorkflowNotReady instead of going silent.
 */
const memo = new WeakMap<WorkflowCatalog, { generation: number; index: Map<string, BoundKind> }>();

function index(catalog: WorkflowCatalog): Map<string, BoundKind> {
  const cached = memo.get(catalog);
  if (cached !== undefined && cached.generation === catalog.generation) return cached.index;
  const built = buildIndex(catalog);
  if (catalog.generation !== undefined) memo.set(catalog, { generation: catalog.generation, index: built });
  return built;
}

function buildIndex(catalog: WorkflowCatalog): Map<string, BoundKind> {
  const byKey = new Map<string, { ref: KindRef; names: string[] }>();
  for (const entry of catalog.entries("Workflow")) {
    const ref = boundKindOf(entry.definition);
    if (ref === undefined) continue;
    const key = kindKey(ref);
    const bucket = byKey.get(key) ?? { ref, names: [] };
    bucket.names.push(entry.definition.name);
    byKey.set(key, bucket);
  }
  const out = new Map<string, BoundKind>();
  for (const [key, { ref, names }] of byKey) {
    out.set(key, { ...ref, key, workflows: names.sort() });
  }
  return out;
}

/** CTL-5: names of the Workflows indexed under a key, sorted. */
export function workflowsForKey(catalog: WorkflowCatalog, key: string): readonly string[] {
  return index(catalog).get(key)?.workflows ?? [];
}

/** SRV-1: every trigger kind bound by at least one Workflow. */
export function boundKinds(catalog: WorkflowCatalog): BoundKind[] {
  return [...index(catalog).values()].sort((a, b) => a.key.localeCompare(b.key));
}
