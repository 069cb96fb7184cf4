/**
 * Timestamps and durations as Koreo prints them (EXPR-95/96) and the lenient
 * input forms the reference accepts (EXPR-94). CEL represents both as protobuf
 * messages with `seconds` (bigint) and `nanos`.
 */
import { celType, type CelValue } from "@bufbuild/cel";

export const TIMESTAMP_TYPE = "google.protobuf.Timestamp";
export const DURATION_TYPE = "google.protobuf.Duration";

interface SecondsNanos {
  readonly seconds: bigint;
  readonly nanos: number;
}

/** The type name of an object CEL value (timestamp/duration), else undefined. */
export function objectTypeName(v: CelValue): string | undefined {
  const t = celType(v);
  return t.kind === "object" ? t.name : undefined;
}

function parts(v: CelValue): SecondsNanos {
  return (v as unknown as { message: SecondsNanos }).message;
}

/** EXPR-95: `YYYY-MM-DDTHH:MM:SSZ`, fractional seconds dropped. */
export function timestampText(v: CelValue): string {
  const { seconds } = parts(v);
  const iso = new Date(Number(seconds) * 1000).toISOString();
  // toISOString gives ±YYYYYY for years outside 0..9999, which CEL cannot hold anyway.
  return `${iso.slice(0, 19)}Z`;
}

/** EXPR-96: whole seconds, truncated toward zero, then `s`. */
export function durationText(v: CelValue): string {
  return `${parts(v).seconds.toString()}s`;
}

/** The Unix time of a timestamp in whole milliseconds (for accessors). */
export function timestampMillis(v: CelValue): number {
  const { seconds, nanos } = parts(v);
  return Number(seconds) * 1000 + Math.floor(nanos / 1_000_000);
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
const NO_ZONE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?$/;

/**
 * EXPR-94: the reference also accepts a bare date or a time without zone (both
 * UTC); rewrite them into RFC 3339 before CEL's own parser sees them.
 */
export function normalizeTimestampText(text: string): string {
  if (BARE_DATE.test(text)) return `${text}T00:00:00Z`;
  if (NO_ZONE.test(text)) return `${text.slice(0, 10)}T${text.slice(11)}Z`;
  return text;
}

const DAYS = /(\d+(?:\.\d*)?|\.\d+)d/g;

/** EXPR-94: the reference accepts a `d` (24h) unit; CEL does not. */
export function normalizeDurationText(text: string): string {
  if (!text.includes("d")) return text;
  return text.replace(DAYS, (_m, n: string) => `${Number(n) * 24}h`);
}
