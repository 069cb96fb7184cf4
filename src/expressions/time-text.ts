/**
 * Timestamps and durations: the text forms the reference reads (EXPR-94,
 * EXPR-104/105) and the forms Koreo prints (EXPR-95/96). CEL represents both as
 * protobuf messages with `seconds` (bigint) and `nanos`; a timestamp also keeps
 * the UTC offset it was written with, which only its text shows (accessors read
 * UTC), so the offset rides beside the message in a WeakMap.
 */
import { create } from "@bufbuild/protobuf";
import { DurationSchema, TimestampSchema, type Duration, type Timestamp } from "@bufbuild/protobuf/wkt";
import { celType, type CelValue } from "@bufbuild/cel";
import { KoreoFunctionError } from "./errors.ts";

export const TIMESTAMP_TYPE = "google.protobuf.Timestamp";
export const DURATION_TYPE = "google.protobuf.Duration";

interface SecondsNanos {
  readonly seconds: bigint;
  readonly nanos: number;
}

const NANOS = 1_000_000_000n;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
const MIN_SECONDS = -62_135_596_800n;
const MAX_SECONDS = 253_402_300_799n;
/** ±10 000 years, the protobuf Duration range (EXPR-105). */
const MAX_DURATION_SECONDS = 315_576_000_000n;

/** Offset in minutes of each timestamp written with one; absent means UTC. */
const offsets = new WeakMap<object, number>();

/** The type name of an object CEL value (timestamp/duration), else undefined. */
export function objectTypeName(v: CelValue): string | undefined {
  const t = celType(v);
  return t.kind === "object" ? t.name : undefined;
}

/** The protobuf message inside a CEL timestamp or duration value (also the key of its offset). */
function parts(v: CelValue): SecondsNanos & object {
  return (v as unknown as { message: SecondsNanos & object }).message;
}

/** A timestamp at `totalNanos` since the epoch, printed with `offsetMinutes`; out of range fails. */
export function makeTimestamp(totalNanos: bigint, offsetMinutes = 0): Timestamp {
  const seconds = floorDiv(totalNanos, NANOS);
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw new KoreoFunctionError("timestamp out of range");
  const message = create(TimestampSchema, { seconds, nanos: Number(totalNanos - seconds * NANOS) });
  if (offsetMinutes !== 0) offsets.set(message, offsetMinutes);
  return message;
}

/** A duration of `totalNanos`, canonical signs; beyond ±315576000000 s fails. */
export function makeDuration(totalNanos: bigint): Duration {
  const seconds = totalNanos / NANOS;
  if (seconds > MAX_DURATION_SECONDS || seconds < -MAX_DURATION_SECONDS || (seconds === MAX_DURATION_SECONDS && totalNanos % NANOS !== 0n)) {
    throw new KoreoFunctionError("duration out of range");
  }
  return create(DurationSchema, { seconds, nanos: Number(totalNanos % NANOS) });
}

export function totalNanos(v: CelValue): bigint {
  const { seconds, nanos } = parts(v);
  return seconds * NANOS + BigInt(nanos);
}

export function offsetMinutesOf(v: CelValue): number {
  return offsets.get(parts(v)) ?? 0;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b > a ? q - 1n : q;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** EXPR-95/104: `YYYY-MM-DDTHH:MM:SS` on the offset's wall clock, then `Z` or `±HH:MM`; fractions dropped. */
export function timestampText(v: CelValue): string {
  const { seconds } = parts(v);
  const offset = offsetMinutesOf(v);
  const wall = new Date(Number(seconds) * 1000 + offset * 60_000);
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
  if (offset === 0) return `${date}T${time}Z`;
  const abs = Math.abs(offset);
  return `${date}T${time}${offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
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

const TIME = String.raw`(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?`;
const ZONE = String.raw`(Z|[+-]\d{2}(?::?\d{2})?)?`;
/** Calendar dates, extended (`2024-01-02`) or basic (`20240102`), with an optional time. */
const CALENDAR = new RegExp(String.raw`^(\d{4})-?(\d{2})-?(\d{2})(?:[T ]${TIME}${ZONE})?$`);
/** ISO week dates: `2024-W01`, `2024-W01-2`, `2024W012`, with an optional time. */
const WEEK = new RegExp(String.raw`^(\d{4})-?W(\d{2})(?:-?(\d))?(?:[T ]${TIME}${ZONE})?$`);

const invalid = (text: string): KoreoFunctionError => new KoreoFunctionError(`Failed to parse timestamp: invalid ISO 8601 text '${text}'`);

/**
 * EXPR-94/104: RFC 3339 and the ISO 8601 forms the reference reads (space for
 * `T`, basic format, `±HHMM`/`±HH` offsets, a date alone, week dates); no zone
 * means UTC. Impossible dates and times fail instead of rolling over.
 */
export function parseTimestamp(text: string): Timestamp {
  const calendar = CALENDAR.exec(text);
  const week = calendar === null ? WEEK.exec(text) : null;
  const m = calendar ?? week;
  if (m === null) throw invalid(text);
  const year = Number(m[1]);
  let dayMs: number;
  if (calendar !== null) {
    const [month, day] = [Number(m[2]), Number(m[3])];
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw invalid(text);
    dayMs = utcMidnight(year, month - 1, day);
  } else {
    const [weekNo, weekday] = [Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
    if (weekNo < 1 || weekNo > isoWeeksIn(year) || weekday < 1 || weekday > 7) throw invalid(text);
    dayMs = isoWeekStart(year) + ((weekNo - 1) * 7 + weekday - 1) * 86_400_000;
  }
  const [hh, mm, ss, fraction, zone] = [m[4], m[5], m[6], m[7], m[8]];
  const [h, min, s] = [Number(hh ?? 0), Number(mm ?? 0), Number(ss ?? 0)];
  if (h > 23 || min > 59 || s > 59) throw invalid(text);
  const offset = zoneMinutes(zone, text);
  const nanos = BigInt((fraction ?? "").padEnd(9, "0").slice(0, 9) || "0");
  const wallSeconds = BigInt(dayMs / 1000) + BigInt(h * 3600 + min * 60 + s);
  return makeTimestamp((wallSeconds - BigInt(offset * 60)) * NANOS + nanos, offset);
}

function zoneMinutes(zone: string | undefined, text: string): number {
  if (zone === undefined || zone === "Z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const [h, m] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || "0")];
  if (h > 23 || m > 59) throw invalid(text);
  return (zone.startsWith("-") ? -1 : 1) * (h * 60 + m);
}

function utcMidnight(year: number, monthIndex: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMidnight(year, month, 0)).getUTCDate();
}

/** Monday of ISO week 1: the week holding 4 January. */
function isoWeekStart(year: number): number {
  const jan4 = utcMidnight(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - weekday * 86_400_000;
}

function isoWeeksIn(year: number): number {
  return Math.round((isoWeekStart(year + 1) - isoWeekStart(year)) / (7 * 86_400_000));
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: NANOS,
  m: 60n * NANOS,
  h: 3_600n * NANOS,
  d: 86_400n * NANOS,
};
const DURATION_PART = /^(\d*)(?:\.(\d*))?(ns|us|ms|s|m|h|d)/;
const MAX_DURATION_TEXT = 128;

/**
 * EXPR-94/105: Go-style text (`1h30m`, `-1.5s`) plus `d`; every number needs a
 * unit (so `""`, `"0"` and `"-0"` fail), `µs` is not a unit, and the value is
 * rounded to microseconds (half to even), as the reference's timedelta does.
 */
export function parseDuration(text: string): Duration {
  const bad = (): KoreoFunctionError => new KoreoFunctionError(`Failed to parse duration: invalid duration '${text}'`);
  if (text.length > MAX_DURATION_TEXT) throw bad();
  const negative = text.startsWith("-");
  let rest = text.replace(/^[+-]/, "");
  if (rest === "") throw bad();
  let total = 0n;
  while (rest !== "") {
    const m = DURATION_PART.exec(rest);
    if (m === null || (m[1] === "" && (m[2] ?? "") === "")) throw bad();
    const unit = DURATION_UNITS[m[3] as string] as bigint;
    const fraction = m[2] ?? "";
    total += BigInt(m[1] || "0") * unit + (BigInt(fraction || "0") * unit) / 10n ** BigInt(fraction.length);
    rest = rest.slice(m[0].length);
  }
  return makeDuration((negative ? -1n : 1n) * roundToMicros(total));
}

function roundToMicros(nanos: bigint): bigint {
  const q = nanos / 1_000n;
  const r = nanos % 1_000n;
  if (r > 500n || (r === 500n && q % 2n === 1n)) return (q + 1n) * 1_000n;
  return q * 1_000n;
}
