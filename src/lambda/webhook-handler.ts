/** Lambda glue for the webhook: the hono app behind API Gateway HTTP API (hono/aws-lambda). */
import type { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import type { Env } from "../config/config.ts";
import { createWebhookApp } from "../webhook/app.ts";
import { lazyRuntime, type RuntimeOverrides } from "./cold-start.ts";

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** The app both Lambda and `npm start` serve. */
export function webhookAppFromEnv(env: Env, overrides: RuntimeOverrides = {}): Hono {
  const { runtime } = lazyRuntime(env, overrides)();
  return createWebhookApp({
    secret: env.KOREO_WEBHOOK_SECRET ?? "",
    bodyLimitBytes: Number(env.KOREO_WEBHOOK_BODY_LIMIT ?? DEFAULT_BODY_LIMIT_BYTES),
    cluster: runtime.cluster,
    work: runtime.work,
    dryRun: runtime.dryRun,
    logger: runtime.logger,
  });
}

export function createWebhookHandler(env: Env = process.env): ReturnType<typeof handle> {
  return handle(webhookAppFromEnv(env));
}
