/** The ResourceFunction reconcile (RF-10): one pass, ending in exactly one outcome. */
import type { KubeObject } from "../../cluster/index.ts";
import type { Scope } from "../../expressions/index.ts";
import { Outcome } from "../../outcome/index.ts";
import { isMap, type Value, type ValueMap } from "../../value/index.ts";
import { compareResource } from "../compare/compare.ts";
import type { ManagedResourceRecord, PreparedResourceFunction, ResourceDrift, ResourceFunctionContext, ResourceFunctionResult } from "../types.ts";
import { abortableCluster, abortedOutcome, RunAborted } from "./abortable.ts";
import { READ_RETRY_DELAY, readFailure } from "./api-errors.ts";
import { createResource } from "./create.ts";
import { correctedDrift } from "./drift.ts";
import { displayName, objectRef, resolveIdentity, resolvePlural, type Identity, type Resolved } from "./identity.ts";
import { lastAppliedOf } from "./last-applied.ts";
import { hasOwner, owningReference } from "./owner.ts";
import type { ReconcileState } from "./reconcile-state.ts";
import { buildTarget } from "./target.ts";
import { DELETE_IF_EXISTS_DELAY, deleteResource, updateResource } from "./update.ts";

/** RF-10. Never rejects: API failures become outcomes (RF-20, RF-21, RF-28). */
export async function runResourceFunction(fn: PreparedResourceFunction, inputs: Value, context: ResourceFunctionContext): Promise<ResourceFunctionResult> {
  const guarded = context.signal === undefined ? context : { ...context, cluster: abortableCluster(context.cluster, context.signal) };
  try {
    if (context.signal?.aborted) return { outcome: abortedOutcome(fn.location) };
    return await reconcileResource(fn, inputs, guarded);
  } catch (error) {
    if (error instanceof RunAborted) return { outcome: abortedOutcome(fn.location) };
    // OUT-7: a crash in our own code is still only this function's outcome.
    return { outcome: Outcome.permFail(`Unknown failure evaluating \`${fn.location}\`.`, fn.location) };
  }
}

async function reconcileResource(fn: PreparedResourceFunction, inputs: Value, context: ResourceFunctionContext): Promise<ResourceFunctionResult> {
  const stop = fn.preconditions?.evaluate({ inputs });
  if (stop !== undefined) return { outcome: stop };
  const locals = evaluateLocals(fn, inputs);
  if (!locals.ok) return { outcome: locals.outcome };
  const scope: Scope = { inputs, locals: locals.value };
  const identity = resolveIdentity(fn, scope);
  if (!identity.ok) return { outcome: identity.outcome };
  const plural = await resolvePlural(fn, context.cluster);
  const resource = record(fn, identity.value, plural.ok ? plural.value : "");
  if (!plural.ok) return { outcome: plural.outcome, resource };
  const state: ReconcileState = {
    fn,
    scope,
    identity: identity.value,
    ref: objectRef(identity.value, plural.value),
    display: displayName(identity.value),
    cluster: context.cluster,
    owner: fn.apiConfig.readonly ? undefined : owningReference(fn.apiConfig.owned, context.owner, identity.value),
  };
  // RF-27 recommendation: the record accompanies every outcome from here on, postconditions included.
  const managed = await manage(state, context);
  return managed.drift === undefined ? { outcome: managed.outcome, resource } : { outcome: managed.outcome, resource, drift: managed.drift };
}

/** RF-3: always evaluated, before any API call; a missing `locals` is `{}`. */
function evaluateLocals(fn: PreparedResourceFunction, inputs: Value): Resolved<ValueMap> {
  const evaluated = fn.locals?.evaluate({ inputs });
  if (evaluated === undefined) return { ok: true, value: {} };
  if (!evaluated.ok) return evaluated;
  return { ok: true, value: isMap(evaluated.value) ? evaluated.value : {} };
}

function record(fn: PreparedResourceFunction, id: Identity, plural: string): ManagedResourceRecord {
  const base = { apiVersion: id.apiVersion, kind: id.kind, plural, name: id.name, readonly: fn.apiConfig.readonly, resourceFunction: fn.name };
  return id.namespace ? { ...base, namespace: id.namespace } : base;
}

/** A pass's outcome and, when its write put back someone else's change, that drift. */
interface Managed {
  readonly outcome: Outcome;
  readonly drift?: ResourceDrift;
}

/** RF-10 steps 5–13. */
async function manage(state: ReconcileState, context: ResourceFunctionContext): Promise<Managed> {
  const outcome = await manageOutcome(state, context);
  return "kind" in outcome ? { outcome } : outcome;
}

async function manageOutcome(state: ReconcileState, context: ResourceFunctionContext): Promise<Outcome | Managed> {
  const { fn, display } = state;
  const read = await state.cluster.get(state.ref);
  if (!read.ok && read.error.reason !== "NotFound") return readFailure(read.error, state.identity.kind, state.identity.name);
  const live = read.ok ? read.value : undefined;

  if (fn.apiConfig.deleteIfExists) {
    // RF-11: the target is never built in this mode.
    if (live !== undefined) return deleteResource(state, DELETE_IF_EXISTS_DELAY, `Deleting ${display}.`);
    return finish(state, {});
  }
  if (live === undefined && (fn.apiConfig.readonly || !fn.create.enabled)) {
    return Outcome.retry(READ_RETRY_DELAY, `${display} not found. Waiting...`); // RF-12 / RF-13
  }
  if (live !== undefined && fn.apiConfig.readonly) return finish(state, live); // RF-12: never compared

  const target = buildTarget(fn, state.scope, state.identity, context.definitions);
  if (!target.ok) return target.outcome;
  if (live === undefined) return createResource(state, target.value);
  return reconcileExisting(state, target.value, live);
}

/** RF-22 / RF-23 / RF-24: compare, then either mutate (ending this pass) or carry on with the live object. */
async function reconcileExisting(state: ReconcileState, target: ValueMap, live: KubeObject): Promise<Outcome | Managed> {
  const compared = compareResource(target, live, lastAppliedOf(live));
  const ownerMissing = state.owner !== undefined && !hasOwner(live, state.owner.uid);
  if (compared.match && !ownerMissing) return finish(state, live);
  const difference = compared.match ? [] : compared.difference;
  const mutation = await updateResource(state, target, live, { difference, ownerMissing });
  if (mutation === undefined) return finish(state, live);
  // Only a pass that writes can fight another writer; which field it puts back is told, nothing else changes.
  const drift = compared.match ? undefined : correctedDrift(state.identity, target, live);
  return drift === undefined ? mutation : { outcome: mutation, drift };
}

/** RF-10 steps 12–13 with `resource` = the live object (RF-26). */
function finish(state: ReconcileState, resource: ValueMap): Outcome {
  const scope = { ...state.scope, resource };
  const stop = state.fn.postconditions?.evaluate(scope);
  if (stop !== undefined) return stop;
  const returned = state.fn.returns?.evaluate(scope);
  if (returned === undefined) return Outcome.ok(null);
  return returned.ok ? Outcome.ok(returned.value) : returned.outcome;
}
