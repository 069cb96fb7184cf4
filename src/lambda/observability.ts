/**
 * Powertools adapters for the Logger and Metrics ports (CTL-21, SRV-13): JSON
 * log lines with `level`, `message`, `timestamp`, `service` plus our fields, and
 * CloudWatch EMF metrics in namespace `Koreo`.
 */
import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { Metrics as PowertoolsMetrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { LogFields, Logger } from "../ports/logger.ts";
import type { Metrics } from "../ports/metrics.ts";

type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

export function powertoolsLogger(name: string, level: string | undefined): Logger {
  const logLevel: LogLevel = level === "DEBUG" || level === "WARN" || level === "ERROR" ? level : "INFO";
  return wrap(new PowertoolsLogger({ serviceName: "koreo", logLevel, persistentKeys: { name } }));
}

function wrap(logger: PowertoolsLogger): Logger {
  return {
    debug: (message, fields) => logger.debug(message, fields ?? {}),
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
    child: (fields: LogFields) => wrap(logger.createChild({ persistentKeys: fields as Record<string, string> })),
  };
}

export interface FlushableMetrics extends Metrics {
  /** Writes the buffered EMF document; call once at the end of each invocation. */
  flush(): void;
}

export function powertoolsMetrics(service: string): FlushableMetrics {
  const metrics = new PowertoolsMetrics({ namespace: "Koreo", serviceName: service });
  return {
    count(name, dimensions) {
      if (dimensions === undefined) {
        metrics.addMetric(name, MetricUnit.Count, 1);
        return;
      }
      const single = metrics.singleMetric();
      for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
      single.addMetric(name, MetricUnit.Count, 1);
    },
    milliseconds(name, value) {
      metrics.addMetric(name, MetricUnit.Milliseconds, value);
    },
    flush() {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
