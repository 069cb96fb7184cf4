/**
 * The webhook (SRV-10), a hono app served by Lambda (hono/aws-lambda) and by
 * `npm start` alike:
 *   GET  /healthz
 *   POST /reconcile/{group}/{version}/{kind}/{namespace}/{name}  → a force request in the trigger's FIFO group
 *   POST /dry-run/{group}/{version}/{kind}/{namespace}/{name}    → the Workflow run against live reads, writes suppressed
 *   POST /admission                                              → validating admission of Koreo definitions (admission.ts)
 * `core` stands for the core API group. Every route but /healthz and /admission needs the secret (auth.ts).
 * Dry-run responses carry no Secret values (redact.ts) and list what was redacted.
 */
import { objectKey } from "../cluster/index.ts";
import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ClusterReader } from "../cluster/index.ts";
import type { Logger } from "../ports/index.ts";
import { triggerRefOf, type TriggerRef } from "../queue/index.ts";
import type { WorkQueue } from "../queue/index.ts";
import { ADMISSION_BODY_LIMIT_BYTES, ADMISSION_PATH, handleAdmission } from "./admission.ts";
import { authenticate, SIGNATURE_HEADER } from "./auth.ts";
import { REDACTED, redactSecrets } from "./redact.ts";
import type { SecretSource } from "./secret.ts";

export interface DryRunResult {
  readonly report: unknown;
  /** The creates/patches/deletes the run would have made. */
  readonly writes: readonly unknown[];
}

export interface WebhookDeps {
  readonly secret: SecretSource;
  readonly bodyLimitBytes: number;
  readonly cluster: ClusterReader;
  readonly work: WorkQueue;
  readonly dryRun: (trigger: TriggerRef) => Promise<DryRunResult>;
  readonly logger: Logger;
  /** Namespaces /admission reads referenced definitions from, after the object's own (KOREO_NAMESPACE). */
  readonly definitionNamespaces?: readonly string[];
}

type Target = { apiVersion: string; kind: string; namespace: string; name: string };

export function createWebhookApp(deps: WebhookDeps): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    deps.logger.error("Webhook request failed.", { path: c.req.path, error: error.message });
    return c.json({ error: "internal error" }, 500);
  });
  app.notFound((c) => c.json({ error: "no such route" }, 404));
  app.get("/healthz", (c) => c.json({ ok: true }));
  // Registered before the secret check: the API server calls it without credentials; it only answers AdmissionReviews and has no side effects (admission.ts).
  const admissionLimit = bodyLimit({
    maxSize: ADMISSION_BODY_LIMIT_BYTES,
    onError: (c) => c.json({ error: `body larger than ${ADMISSION_BODY_LIMIT_BYTES} bytes` }, 413),
  });
  app.post(ADMISSION_PATH, admissionLimit, (c) => handleAdmission(c, deps));
  app.use("*", bodyLimit({ maxSize: deps.bodyLimitBytes, onError: (c) => c.json({ error: `body larger than ${deps.bodyLimitBytes} bytes` }, 413) }));
  app.use("*", async (c, next) => {
    const body = await c.req.text();
    const secret = await readSecret(deps);
    if (secret === undefined) return c.json({ error: "webhook secret unavailable" }, 503);
    const ok = authenticate(secret, { authorization: c.req.header("authorization"), signature: c.req.header(SIGNATURE_HEADER), body });
    if (!ok) return c.json({ error: "unauthenticated: send Authorization: Bearer <token> or X-Koreo-Signature: sha256=<hmac of body>" }, 401);
    await next();
  });
  app.use("/:route/:group/:version/:kind/:namespace/:name", async (c, next) => {
    const problem = invalid(target(c));
    if (problem !== undefined) return c.json({ error: problem }, 400);
    await next();
  });
  app.post("/reconcile/:group/:version/:kind/:namespace/:name", async (c) => {
    const trigger = await findTrigger(deps.cluster, target(c));
    if (trigger === undefined) return c.json({ error: `${objectKey(target(c))} not found` }, 404);
    await deps.work.enqueue([{ trigger, reason: "force", nonce: randomUUID() }]);
    deps.logger.info(`Webhook queued a reconcile of ${objectKey(trigger)}.`, { trigger: objectKey(trigger), uid: trigger.uid });
    return c.json({ queued: true, trigger }, 202);
  });
  app.post("/dry-run/:group/:version/:kind/:namespace/:name", async (c) => {
    const trigger = await findTrigger(deps.cluster, target(c));
    if (trigger === undefined) return c.json({ error: `${objectKey(target(c))} not found` }, 404);
    const { value, paths } = redactSecrets(jsonSafe(await deps.dryRun(trigger)));
    return c.json({ ...value, redacted: { marker: REDACTED, paths, note: "values of core/v1 Secret data and stringData are not shown" } }, 200);
  });
  return app;
}

function target(c: Context): Target {
  const group = c.req.param("group") ?? "";
  const version = c.req.param("version") ?? "";
  return {
    apiVersion: group === "core" ? version : `${group}/${version}`,
    kind: c.req.param("kind") ?? "",
    namespace: c.req.param("namespace") ?? "",
    name: c.req.param("name") ?? "",
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Path segments that can never name an object are a client error, not a 404. */
function invalid(t: Target): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(t.kind)) return `invalid kind "${t.kind}"`;
  if (!DNS_LABEL.test(t.namespace)) return `invalid namespace "${t.namespace}"`;
  if (!DNS_SUBDOMAIN.test(t.name) || t.name.length > 253) return `invalid name "${t.name}"`;
  return undefined;
}

async function findTrigger(cluster: ClusterReader, t: Target): Promise<TriggerRef | undefined> {
  const got = await cluster.get(t);
  if (got.ok) return triggerRefOf({ ...got.value, apiVersion: t.apiVersion, kind: t.kind });
  if (got.error.reason === "NotFound") return undefined;
  throw new Error(`GET ${objectKey(t)}: ${got.error.reason}: ${got.error.message}`);
}

/** The secret, or undefined (logged) when it cannot be read: the caller is not to blame, so not a 401. */
async function readSecret(deps: WebhookDeps): Promise<string | undefined> {
  try {
    return await deps.secret();
  } catch (error) {
    deps.logger.error("Webhook secret could not be read.", { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/** Values hold bigints (CEL ints); JSON has no bigint. */
function jsonSafe(value: DryRunResult): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v))) as Record<string, unknown>;
}
