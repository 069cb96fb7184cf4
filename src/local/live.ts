/**
 * `npm start`'s console: one line per reconcile (trigger, Workflow, outcome,
 * duration and, when not Ok, the step and message that explain it), warnings
 * and errors in full, everything else quiet.
 */
import type { LogFields, Logger } from "../ports/index.ts";

/** A reason on one console line: long CEL errors and messages are cut here (the JSON logs keep them whole). */
const MAX_REASON = 120;

/** `timeScale`: the handlers' clock runs that much faster (time-scale.ts); durations are shown in wall-clock ms. */
export function liveLogger(write: (line: string) => void, onReconcile?: (fields: LogFields) => void, timeScale = 1): Logger {
  const logger: Logger = {
    debug() {},
    info(message, fields) {
      if (fields?.outcome === undefined || fields.durationMs === undefined) return;
      onReconcile?.(fields);
      const time = new Date().toISOString().slice(11, 19);
      const duration = `${String(Math.round(Number(fields.durationMs) / timeScale))} ms`;
      const line = `${time}  ${String(fields.trigger).padEnd(36)} ${String(fields.workflow ?? "-").padEnd(16)} ${String(fields.outcome).padEnd(9)} ${duration}`;
      const why = reasonOf(fields);
      write(why === undefined ? line : `${line.padEnd(80 + 6)} ${why}`);
    },
    warn: (message, fields) => write(`warn   ${message} ${fields?.error === undefined ? "" : String(fields.error)}`),
    error: (message, fields) => write(`error  ${message} ${fields?.error === undefined ? "" : String(fields.error)}`),
    child: () => logger,
  };
  return logger;
}

/** `step deploy: <message>` (or just the message), on one line, at most MAX_REASON characters; none for Ok. */
export function reasonOf(fields: LogFields): string | undefined {
  if (fields.outcome === "Ok") return undefined;
  const message = typeof fields.message === "string" ? fields.message.replace(/\s+/g, " ").trim() : "";
  const step = typeof fields.step === "string" ? `step ${fields.step}` : "";
  const text = step !== "" && message !== "" ? `${step}: ${message}` : step || message;
  if (text === "") return undefined;
  return text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`;
}
