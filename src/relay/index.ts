/**
 * The watch relay: Kubernetes watches to SQS, bounded and healthy.
 * May import: cluster, config, definitions, ports, queue, reconciler, value, workflow.
 */
export { startHealthServer } from "./health-server.ts";
export { DEFAULT_MAX_BUFFERED, type Relay, startRelay } from "./relay.ts";
export { queueNameOf } from "./send-failure.ts";
export { DEFAULT_WATCH_BACKOFF, type WatchBackoff } from "./watch.ts";
