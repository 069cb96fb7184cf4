/** Lambda glue for the webhook: the hono app behind API Gateway HTTP API (hono/aws-lambda). */
import type { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import type { Env } from "../config/index.ts";
import { createWebhookApp } from "../webhook/index.ts";
import { constantSecret, ssmSecret, type SecretSource } from "../webhook/index.ts";
import { lazyRuntime, type RuntimeOverrides } from "./cold-start.ts";

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** The app both Lambda and `npm start` serve. */
export function webhookAppFromEnv(env: Env, overrides: RuntimeOverrides = {}): Hono {
  const { runtime, config } = lazyRuntime(env, overrides)();
  return createWebhookApp({
    secret: webhookSecretFromEnv(env),
    bodyLimitBytes: Number(env.KOREO_WEBHOOK_BODY_LIMIT ?? DEFAULT_BODY_LIMIT_BYTES),
    cluster: runtime.cluster,
    work: runtime.work,
    dryRun: runtime.dryRun,
    logger: runtime.logger,
    definitionNamespaces: config.koreoNamespaces,
  });
}

/**
 * Deployed: KOREO_WEBHOOK_SECRET_PARAMETER names an SSM SecureString (serverless.yml), read and
 * cached at run time. Local runs: KOREO_WEBHOOK_SECRET holds the value; unset means no request
 * authenticates (auth.ts), never an open webhook.
 */
export function webhookSecretFromEnv(env: Env): SecretSource {
  const parameter = env.KOREO_WEBHOOK_SECRET_PARAMETER;
  if (parameter) return ssmSecret(parameter, env.AWS_REGION ? { clientConfig: { region: env.AWS_REGION } } : {});
  return constantSecret(env.KOREO_WEBHOOK_SECRET ?? "");
}

export function createWebhookHandler(env: Env = process.env): ReturnType<typeof handle> {
  return handle(webhookAppFromEnv(env));
}
