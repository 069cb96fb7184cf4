/**
 * POST /admission: a validating admission webhook (admission.k8s.io/v1) for the five Koreo
 * kinds, running `koreo validate`'s checks (admission-check.ts) on the object being created
 * or updated. Errors refuse it (`allowed: false`, `status.message` listing `path: message`);
 * references to definitions not in the cluster yet, and lint findings, are admission
 * `warnings`, which kubectl prints.
 *
 * Authentication: none, deliberately. The caller is the Kubernetes API server, which can
 * present no bearer token or signature of ours (on AWS it reaches this route through the
 * HTTP API's public URL and certificate; locally over loopback or the embedded server's
 * TLS). That is safe because this route only ever answers AdmissionReviews: it reads
 * definitions (the ones the reviewed object references) and never writes, queues or
 * reveals anything beyond its verdict on the object it was sent.
 */
import type { Context } from "hono";
import type { ClusterReader } from "../cluster/index.ts";
import { KOREO_API_VERSION, KOREO_KINDS, type DefinitionRef, type Problem } from "../definitions/index.ts";
import type { Logger } from "../ports/index.ts";
import { checkDefinition, describeProblem, type DefinitionCheck } from "./admission-check.ts";

export const ADMISSION_PATH = "/admission";
/** Two 1.5 MiB objects (object and oldObject of an UPDATE) and the review around them. */
export const ADMISSION_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
/** Rounds of reference fetching: each fetches what the previous round's definitions reference. */
const MAX_FETCH_ROUNDS = 5;

export interface AdmissionDeps {
  readonly cluster: ClusterReader;
  readonly logger: Logger;
  /** Where referenced definitions are looked for after the object's own namespace (CTL-2 order; `*`: every namespace). */
  readonly definitionNamespaces?: readonly string[];
}

type Json = { [key: string]: unknown };

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The `request` of an AdmissionReview, or an explanation of why the body is not one. */
export function reviewRequest(body: unknown): Json | string {
  if (!isObject(body) || body.kind !== "AdmissionReview") return "expected an AdmissionReview";
  if (body.apiVersion !== "admission.k8s.io/v1") return "expected apiVersion admission.k8s.io/v1";
  const request = body.request;
  if (!isObject(request) || typeof request.uid !== "string" || request.uid === "") return "expected request.uid";
  return request;
}

/** Only CREATE/UPDATE of a Koreo kind is reviewed; anything else a misconfigured rule sends is allowed untouched. */
function isKoreoWrite(request: Json): boolean {
  const kind = isObject(request.kind) ? request.kind : {};
  const koreo = kind.group === "koreo.dev" && (KOREO_KINDS as readonly unknown[]).includes(kind.kind);
  return koreo && (request.operation === "CREATE" || request.operation === "UPDATE") && isObject(request.object);
}

/** The AdmissionReview answer for a check result (pure). */
export function admissionResponse(uid: string, check: DefinitionCheck | undefined): Json {
  const warnings = (check?.warnings ?? []).map(describeProblem);
  const errors = check?.errors ?? [];
  const response: Json = { uid, allowed: errors.length === 0, ...(warnings.length > 0 ? { warnings } : {}) };
  if (errors.length > 0) response.status = { code: 422, reason: "Invalid", message: denialMessage(errors) };
  return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response };
}

function denialMessage(errors: readonly Problem[]): string {
  const lines = errors.map(describeProblem);
  return lines.length === 1 ? (lines[0] as string) : `${lines.length} errors: ${lines.join("; ")}`;
}

export async function handleAdmission(c: Context, deps: AdmissionDeps): Promise<Response> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: "the body is not JSON" }, 400);
  }
  const request = reviewRequest(body);
  if (typeof request === "string") return c.json({ error: request }, 400);
  const uid = request.uid as string;
  if (!isKoreoWrite(request)) return c.json(admissionResponse(uid, undefined), 200);
  const namespace = typeof request.namespace === "string" ? request.namespace : undefined;
  const check = await checkWithCluster(request.object, referenceReader(deps, namespace));
  deps.logger.info("Admission review.", {
    uid,
    kind: (request.kind as Json).kind,
    name: request.name,
    errors: check.errors.length,
    warnings: check.warnings.length,
  });
  return c.json(admissionResponse(uid, check), 200);
}

type Fetch = (ref: DefinitionRef) => Promise<unknown>;

/** Checks, fetches what was missing, checks again: bounded rounds, each fetch once. */
export async function checkWithCluster(object: unknown, fetch: Fetch): Promise<DefinitionCheck> {
  const cache = new Map<string, unknown>();
  const key = (ref: DefinitionRef) => `${ref.kind}:${ref.name}`;
  let check = checkDefinition(object, (ref) => cache.get(key(ref)));
  for (let round = 0; round < MAX_FETCH_ROUNDS; round++) {
    const wanted = check.missing.filter((ref) => !cache.has(key(ref)));
    if (wanted.length === 0) break;
    const fetched = await Promise.all(wanted.map(fetch));
    wanted.forEach((ref, i) => cache.set(key(ref), fetched[i]));
    check = checkDefinition(object, (ref) => cache.get(key(ref)));
  }
  return check;
}

const PLURALS: Record<string, string> = {
  ValueFunction: "valuefunctions",
  ResourceFunction: "resourcefunctions",
  ResourceTemplate: "resourcetemplates",
  Workflow: "workflows",
  FunctionTest: "functiontests",
};

/**
 * Reads a referenced definition: the object's namespace first, then `definitionNamespaces`.
 * A read that fails is logged and counts as absent, so at worst a warning too many, never a refusal.
 */
function referenceReader(deps: AdmissionDeps, namespace: string | undefined): Fetch {
  const namespaces = [...(namespace === undefined ? [] : [namespace]), ...(deps.definitionNamespaces ?? [])];
  return async (ref) => {
    for (const ns of new Set(namespaces)) {
      const found = ns === "*" ? await inAnyNamespace(deps, ref) : await inNamespace(deps, ref, ns);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

async function inNamespace(deps: AdmissionDeps, ref: DefinitionRef, namespace: string): Promise<unknown> {
  const got = await deps.cluster.get({ apiVersion: KOREO_API_VERSION, kind: ref.kind, name: ref.name, namespace, plural: PLURALS[ref.kind] as string });
  if (got.ok) return got.value;
  if (got.error.reason !== "NotFound")
    deps.logger.warn("Admission could not read a referenced definition.", { ref: `${ref.kind}:${ref.name}`, namespace, error: got.error.message });
  return undefined;
}

async function inAnyNamespace(deps: AdmissionDeps, ref: DefinitionRef): Promise<unknown> {
  const listed = await deps.cluster.list(KOREO_API_VERSION, ref.kind, { fieldSelector: `metadata.name=${ref.name}`, plural: PLURALS[ref.kind] as string });
  if (listed.ok) return listed.value.items[0];
  deps.logger.warn("Admission could not list a referenced definition.", { ref: `${ref.kind}:${ref.name}`, error: listed.error.message });
  return undefined;
}
