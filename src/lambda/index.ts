/**
 * The Lambda handlers and their composition root (cold start, batch glue, observability).
 * May import: cluster, config, definitions, ports, program, queue, reconciler, timers, webhook, workflow.
 */
export { type FlushableMetrics, powertoolsLogger } from "./observability.ts";
export { createReconcileHandler } from "./reconcile-handler.ts";
export { createTimerHandler } from "./timer-handler.ts";
export { webhookAppFromEnv } from "./webhook-handler.ts";
