/**
 * `npm start`'s console: one line per reconcile (trigger, Workflow, outcome,
 * duration), warnings and errors in full, everything else quiet.
 */
import type { LogFields, Logger } from "../ports/logger.ts";

/** `timeScale`: the handlers' clock runs that much faster (time-scale.ts); durations are shown in wall-clock ms. */
export function liveLogger(write: (line: string) => void, onReconcile?: (fields: LogFields) => void, timeScale = 1): Logger {
  const logger: Logger = {
    debug() {},
    info(message, fields) {
      if (fields?.outcome === undefined || fields.durationMs === undefined) return;
      onReconcile?.(fields);
      const time = new Date().toISOString().slice(11, 19);
      write(`${time}  ${String(fields.trigger).padEnd(36)} ${String(fields.workflow ?? "-").padEnd(16)} ${String(fields.outcome).padEnd(9)} ${String(Math.round(Number(fields.durationMs) / timeScale))} ms`);
    },
    warn: (message, fields) => write(`warn   ${message} ${fields?.error === undefined ? "" : String(fields.error)}`),
    error: (message, fields) => write(`error  ${message} ${fields?.error === undefined ? "" : String(fields.error)}`),
    child: () => logger,
  };
  return logger;
}
