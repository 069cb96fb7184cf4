/**
 * The webhook (SRV-10), a hono app served by Lambda (hono/aws-lambda) and by
 * `npm start` alike:
 *   GET  /healthz
 *   POST /reconcile/{group}/{version}/{kind}/{namespace}/{name}  → a force request in the trigger's FIFO group
 *   POST /dry-run/{group}/{version}/{kind}/{namespace}/{name}    → the Workflow run against live reads, writes suppressed
 * `core` stands for the core API group. Every route but /healthz needs the secret (auth.ts).
 */
import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ClusterReader } from "../cluster/cluster-api.ts";
import type { Logger } from "../ports/logger.ts";
import { triggerKey, triggerRefOf, type TriggerRef } from "../queue/messages.ts";
import type { WorkQueue } from "../queue/queue.ts";
import { authenticate, SIGNATURE_HEADER } from "./auth.ts";

export interface DryRunResult {
  readonly report: unknown;
  /** The creates/patches/deletes the run would have made. */
  readonly writes: readonly unknown[];
}

export interface WebhookDeps {
  readonly secret: string;
  readonly bodyLimitBytes: number;
  readonly cluster: ClusterReader;
  readonly work: WorkQueue;
  readonly dryRun: (trigger: TriggerRef) => Promise<DryRunResult>;
  readonly logger: Logger;
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
  app.use("*", bodyLimit({ maxSize: deps.bodyLimitBytes, onError: (c) => c.json({ error: `body larger than ${deps.bodyLimitBytes} bytes` }, 413) }));
  app.use("*", async (c, next) => {
    const body = await c.req.text();
    const ok = authenticate(deps.secret, { authorization: c.req.header("authorization"), signature: c.req.header(SIGNATURE_HEADER), body });
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
    if (trigger === undefined) return c.json({ error: `${triggerKey(target(c))} not found` }, 404);
    await deps.work.enqueue([{ trigger, reason: "force", nonce: randomUUID() }]);
    deps.logger.info(`Webhook queued a reconcile of ${triggerKey(trigger)}.`, { trigger: triggerKey(trigger), uid: trigger.uid });
    return c.json({ queued: true, trigger }, 202);
  });
  app.post("/dry-run/:group/:version/:kind/:namespace/:name", async (c) => {
    const trigger = await findTrigger(deps.cluster, target(c));
    if (trigger === undefined) return c.json({ error: `${triggerKey(target(c))} not found` }, 404);
    return c.json(jsonSafe(await deps.dryRun(trigger)), 200);
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
  throw new Error(`GET ${triggerKey(t)}: ${got.error.reason}: ${got.error.message}`);
}

/** Values hold bigints (CEL ints); JSON has no bigint. */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)));
}
