/** RF-14 / RF-40 / RF-41: which object a reconcile manages. */
import type { ClusterApi, ObjectRef } from "../../cluster/index.ts";
import type { Scope } from "../../expressions/index.ts";
import { Outcome } from "../../outcome/index.ts";
import { isMap, type Value } from "../../value/index.ts";
import type { PreparedResourceFunction } from "../types.ts";

/** RF-40 / RF-44: Retry delay when plural discovery runs out of attempts. */
const PLURAL_RETRY_DELAY = 30;

export interface Identity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
}

export type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: Outcome };

/** `<Kind>:<ns>:<name>`, or `<Kind>:<name>` without a namespace. */
export function displayName(id: Identity): string {
  return id.namespace ? `${id.kind}:${id.namespace}:${id.name}` : `${id.kind}:${id.name}`;
}

export function objectRef(id: Identity, plural: string): ObjectRef {
  const base = { apiVersion: id.apiVersion, kind: id.kind, name: id.name, plural };
  return id.namespace ? { ...base, namespace: id.namespace } : base;
}

/** RF-14: name and namespace from `{inputs, locals}`, both in string form. */
export function resolveIdentity(fn: PreparedResourceFunction, scope: Scope): Resolved<Identity> {
  const { apiConfig } = fn;
  const evaluated = apiConfig.identity.evaluate(scope);
  if (!evaluated.ok) return evaluated;
  const fields = isMap(evaluated.value) ? evaluated.value : {};
  const name = stringForm(fields.name);
  if (name === "") {
    return { ok: false, outcome: Outcome.permFail("`spec.apiConfig.name` evaluated to an empty name", `${fn.location}:spec.apiConfig`) };
  }
  // Cluster-scoped types were prepared without a namespace (RF-14 recommendation).
  const namespace = stringForm(fields.namespace) || undefined;
  if (apiConfig.namespaced && namespace === undefined) {
    const message = "`namespace` is required when `spec.apiConfig.namespaced` is `true`";
    return { ok: false, outcome: Outcome.permFail(message, `${fn.location}:spec.apiConfig`) };
  }
  return { ok: true, value: { apiVersion: apiConfig.apiVersion, kind: apiConfig.kind, name, namespace } };
}

/** An integer `42` becomes `"42"`; `null` and absence become "". */
function stringForm(v: Value | undefined): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint" || typeof v === "number") return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? Number(x) : x));
}

/**
 * RF-40 / RF-41: the function's own `apiConfig.plural` wins; otherwise API
 * discovery (the adapter caches and retries). Discovery's namespaced-ness is
 * ignored: `apiConfig.namespaced` is honoured as given.
 */
export async function resolvePlural(fn: PreparedResourceFunction, cluster: ClusterApi): Promise<Resolved<string>> {
  const { apiVersion, kind, plural } = fn.apiConfig;
  if (plural !== undefined) return { ok: true, value: plural };
  const found = await cluster.discover(apiVersion, kind);
  if (found.ok) return { ok: true, value: found.value.plural };
  const { reason, message } = found.error;
  if (reason === "NotFound" || reason === "Invalid") {
    const text = `Dynamic kind-plural lookup failed for '${kind}'. Set plural explicitly in apiConfig.`;
    return { ok: false, outcome: Outcome.permFail(text, `${fn.location}:spec.apiConfig.plural`) };
  }
  return { ok: false, outcome: Outcome.retry(PLURAL_RETRY_DELAY, `plural lookup for ${kind} timed out (${message})`) };
}
