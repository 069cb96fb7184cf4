/**
 * The narrow ports besides the cluster: clock, logger, metrics.
 * May import: nothing.
 */
export { type Clock, fixedClock, systemClock } from "./clock.ts";
export { type LogFields, type Logger, silentLogger } from "./logger.ts";
export type { MetricName, Metrics } from "./metrics.ts";
