/**
 * The hono webhook app: reconcile-now, dry-run (redacted), health; the secret source.
 * May import: cluster, definitions, expressions, ports, program, queue, value.
 */
export { createWebhookApp, type DryRunResult } from "./app.ts";
export { constantSecret, type SecretSource, ssmSecret } from "./secret.ts";
export { checkDefinition, describeProblem, type DefinitionCheck, type DefinitionSource } from "./admission-check.ts";
export { localAdmissionWebhook, ADMISSION_CONFIGURATION_NAME, ADMISSION_WEBHOOK_NAME, type AdmissionWebhookOptions } from "./admission-registration.ts";
