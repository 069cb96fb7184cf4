/**
 * Powertools adapters for the Logger and Metrics ports (CTL-21, SRV-13): JSON
 * log lines with `level`, `message`, `timestamp`, `service` plus our fields, and
 * CloudWatch EMF metrics in namespace `Koreo`; the Lambda context on every line
 * (request id, cold start) and the record being handled (SQS message id); X-Ray
 * tracing of each invocation (the Powertools Tracer and the X-Ray SDK load only
 * where tracing can be on).
 */
import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { Metrics as PowertoolsMetrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { Context } from "aws-lambda";
import type { Env } from "../config/index.ts";
import type { LogFields, Logger } from "../ports/index.ts";
import type { Metrics } from "../ports/index.ts";

type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

export function powertoolsLogger(name: string, level: string | undefined): Logger {
  const logLevel: LogLevel = level === "DEBUG" || level === "WARN" || level === "ERROR" ? level : "INFO";
  return wrap(new PowertoolsLogger({ serviceName: "koreo", logLevel, persistentKeys: { name } }));
}

/**
 * The Powertools instance behind each port we hand out: the handlers receive the port (through the
 * runtime) and need the instance to add the Lambda context and per-record keys to it.
 */
const instances = new WeakMap<Logger, PowertoolsLogger>();

/**
 * A child binds its fields to the lines of the same Powertools instance instead of creating one
 * (`createChild`): the invocation's context then reaches every child, and a child made per record
 * does not report a cold start of its own (Powertools' flag is per instance).
 */
function wrap(logger: PowertoolsLogger, bound?: LogFields): Logger {
  const fieldsOf = (fields: LogFields | undefined) => (bound === undefined ? (fields ?? {}) : fields === undefined ? bound : { ...bound, ...fields });
  const port: Logger = {
    debug: (message, fields) => logger.debug(message, fieldsOf(fields)),
    info: (message, fields) => logger.info(message, fieldsOf(fields)),
    warn: (message, fields) => logger.warn(message, fieldsOf(fields)),
    error: (message, fields) => logger.error(message, fieldsOf(fields)),
    child: (fields: LogFields) => wrap(logger, { ...bound, ...fields }),
  };
  instances.set(port, logger);
  return port;
}

/** Keys added to every line of one logger (and its children) for an invocation: the Lambda context. Record keys ride on a child per record (sqs-batch.ts). */
export interface LogScope {
  /** Adds `function_request_id`, `cold_start`, … until `endInvocation`. */
  startInvocation(context: Context | undefined): void;
  endInvocation(): void;
}

const noScope: LogScope = { startInvocation() {}, endInvocation() {} };

/**
 * The scope of a port logger. Does by hand what Powertools' `injectLambdaContext` decorator/middy
 * middleware does (our handlers are plain functions, without middy). A logger that is not a
 * Powertools one (`npm start`, tests) has nowhere to put keys: its scope does nothing.
 */
export function logScopeOf(logger: Logger): LogScope {
  const instance = instances.get(logger);
  if (instance === undefined) return noScope;
  return {
    startInvocation(context) {
      instance.refreshSampleRateCalculation();
      if (context !== undefined) instance.addContext(context);
    },
    endInvocation: () => instance.resetKeys(),
  };
}

/** The handlers' X-Ray tracing; the Powertools Tracer behind it is loaded only when tracing can be on. */
export interface HandlerTracer {
  isTracingEnabled(): boolean;
  /** The Powertools Tracer; undefined when tracing is off. */
  powertools(): Promise<Tracer | undefined>;
}

const untraced: HandlerTracer = { isTracingEnabled: () => false, powertools: async () => undefined };

/**
 * X-Ray tracing of the handlers. Powertools turns tracing off outside Lambda (no AWS_EXECUTION_ENV,
 * so `npm start` and tests never trace, nor SAM or the Amplify mock) and with
 * POWERTOOLS_TRACE_ENABLED=false; we also honour POWERTOOLS_TRACE_DISABLED=true, the switch this
 * project documents. Those cases are decided here, from the environment Powertools reads, before
 * anything is loaded: the Tracer brings the X-Ray SDK (~120 KiB, ~25 ms of a cold import), which
 * a function without tracing must not pay for. Otherwise the Tracer starts loading at once (the
 * handler module's load: Lambda's init phase, not the first request).
 */
export function createTracer(env: Env, processEnv: NodeJS.ProcessEnv = process.env): HandlerTracer {
  if (env.POWERTOOLS_TRACE_DISABLED?.toLowerCase() === "true" || !powertoolsMayTrace(processEnv)) return untraced;
  const loading = import("@aws-lambda-powertools/tracer").then(({ Tracer }) => new Tracer({ serviceName: "koreo" }));
  loading.catch(() => {}); // a failed load fails the first traced invocation, not the process
  return { isTracingEnabled: () => true, powertools: () => loading };
}

/** Powertools' own conditions (Tracer.setTracingEnabled): in Lambda, not SAM local, not the Amplify mock, not switched off. */
function powertoolsMayTrace(env: NodeJS.ProcessEnv): boolean {
  const executionEnv = env.AWS_EXECUTION_ENV ?? "";
  if (executionEnv === "" || executionEnv === "AWS_Lambda_amplify-mock" || (env.AWS_SAM_LOCAL ?? "") !== "") return false;
  return (env.POWERTOOLS_TRACE_ENABLED ?? "").toLowerCase() !== "false";
}

/**
 * Runs one invocation in its own subsegment (cold start and service annotated, an error recorded
 * as metadata): Powertools' `captureLambdaHandler` without the decorator.
 */
export async function traced<T>(handlerTracer: HandlerTracer, name: string, run: () => Promise<T>): Promise<T> {
  const tracer = handlerTracer.isTracingEnabled() ? await handlerTracer.powertools() : undefined;
  if (tracer === undefined || !tracer.isTracingEnabled()) return run();
  const parent = tracer.getSegment();
  const segment = parent?.addNewSubsegment(`## ${name}`);
  if (segment !== undefined) tracer.setSegment(segment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    return await run();
  } catch (error) {
    tracer.addErrorAsMetadata(error instanceof Error ? error : new Error(String(error)));
    throw error;
  } finally {
    segment?.close();
    if (parent !== undefined) tracer.setSegment(parent);
  }
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

export interface Invocation {
  readonly name: string;
  readonly logger: Logger;
  readonly metrics: FlushableMetrics;
  readonly tracer: HandlerTracer;
  readonly context: Context | undefined;
}

/** One handler invocation: context keys on the logs, a trace subsegment, metrics flushed at the end whatever happens. */
export async function withInvocation<T>(invocation: Invocation, run: () => Promise<T>): Promise<T> {
  const scope = logScopeOf(invocation.logger);
  scope.startInvocation(invocation.context);
  try {
    return await traced(invocation.tracer, invocation.name, run);
  } finally {
    scope.endInvocation();
    invocation.metrics.flush();
  }
}
