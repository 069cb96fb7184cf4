/**
 * FT-7: finding the function under test through the lookup, and FT-15: running
 * it once against a fresh simulated cluster (FTF-1..4).
 */
import type { DefinitionLookup } from "../definitions/index.ts";
import { runResourceFunction, runValueFunction, type PreparedResourceFunction, type PreparedValueFunction } from "../logic/index.ts";
import type { ValueMap } from "../value/index.ts";
import type { CaseObservation } from "./assertions.ts";
import { createTestCluster, isEmptyResource } from "./test-cluster.ts";
import type { PreparedFunctionTest } from "./types.ts";

export type FunctionUnderTest = PreparedValueFunction | PreparedResourceFunction;

export type Resolved = { readonly ok: true; readonly run: FunctionUnderTest } | { readonly ok: false; readonly message: string };

/** Missing → the reference's DepSkip "must wait" text; failed preparation → its PermFail message. */
export function resolveFunction(test: PreparedFunctionTest, lookup: DefinitionLookup): Resolved {
  const { kind, name } = test.functionRef;
  const entry = lookup.get(kind, name);
  if (entry === undefined) return { ok: false, message: `${kind} (${name}) not found or not ready, FunctionTest '${test.name}' must wait.` };
  if (!entry.prepared.ok) return { ok: false, message: entry.prepared.outcome.message ?? `${kind} (${name}) is not valid.` };
  return { ok: true, run: entry.prepared.value };
}

/**
 * One evaluation. A ResourceFunction reconciles against a one-slot cluster with
 * no owner (FTF-3); a ValueFunction gets the resource as base when there is one
 * (FTF-4, VF-6) and never writes.
 */
export async function runFunctionOnce(fn: FunctionUnderTest, inputs: ValueMap, resource: ValueMap, lookup: DefinitionLookup): Promise<CaseObservation> {
  if (fn.kind === "ValueFunction") {
    const outcome = runValueFunction(fn, inputs, isEmptyResource(resource) ? undefined : resource);
    return { outcome, wrote: false, deleted: false, resource };
  }
  const cluster = createTestCluster(resource);
  const { outcome } = await runResourceFunction(fn, inputs, { cluster, definitions: lookup });
  return { outcome, wrote: cluster.wrote(), deleted: cluster.deleted(), resource: cluster.current() };
}
