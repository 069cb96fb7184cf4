/**
 * The `npm start` stack: embedded API server, fauxqs, relay, pollers, webhook, workload simulator.
 * May import: apiserver, cluster, config, definitions, lambda, ports, queue, reconciler, relay, value, webhook.
 */
export { runHandlerThread } from "./handler-thread.ts";
export { liveLogger } from "./live.ts";
export { type LocalStack, startLocalStack } from "./stack.ts";
