/**
 * Timestamps and durations, replacing the library's functions of the same
 * signatures:
 * - accessors (EXPR-94): the library builds a local-time `Date` and so answers
 *   in the process's TZ; here the wall clock is the UTC instant moved by the
 *   zone's offset at that instant, read with `getUTC*`. On a duration,
 *   getHours() … getMilliseconds() are totals in that unit (EXPR-105);
 * - `timestamp(text)` / `duration(text)` read the reference's forms, and
 *   arithmetic keeps a timestamp's offset and the ±10 000-year duration range
 *   (EXPR-104/105; time-text.ts); `timestamp(int)` fails.
 */
import { celFunc, celMethod, CelScalar, objectType, type CelFunc, type CelUint, type CelValue } from "@bufbuild/cel";
import { KoreoFunctionError } from "../errors.ts";
import {
  DURATION_TYPE,
  makeDuration,
  makeTimestamp,
  offsetMinutesOf,
  parseDuration,
  parseTimestamp,
  timestampMillis,
  TIMESTAMP_TYPE,
  totalNanos,
} from "../time-text.ts";
import { TIME_ACCESSORS } from "./names.ts";

const { INT, STRING, UINT } = CelScalar;
const TIMESTAMP = objectType(TIMESTAMP_TYPE);
const DURATION = objectType(DURATION_TYPE);
const NANOS = 1_000_000_000n;
const MS_PER_DAY = 86_400_000;

type Accessor = (typeof TIME_ACCESSORS)[number];

/** CEL's fixed-offset zone form, `±HH:MM` (the sign may be omitted). */
const FIXED_OFFSET = /^([+-]?)(\d\d):(\d\d)$/;
/** Intl's `longOffset` text: `GMT`, `GMT+05:30`, or with seconds for historical local mean time. */
const GMT_OFFSET = /^GMT(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?$/;

/** Formatters are costly to build; zone names are a small closed set, and invalid ones are never stored. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  const known = formatters.get(zone);
  if (known !== undefined) return known;
  let made: Intl.DateTimeFormat;
  try {
    made = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
  } catch {
    throw new KoreoFunctionError(`unknown time zone '${zone}'`);
  }
  formatters.set(zone, made);
  return made;
}

function offsetMillis(sign: string | undefined, h = "0", m = "0", s = "0"): number {
  const ms = ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  return sign === "-" ? -ms : ms;
}

/** The zone's offset from UTC at `instant` (ms); no zone means UTC. */
function zoneOffset(instant: number, zone: string | undefined): number {
  if (zone === undefined || zone === "UTC") return 0;
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed !== null) return offsetMillis(fixed[1], fixed[2], fixed[3]);
  const text =
    formatterFor(zone)
      .formatToParts(instant)
      .find((p) => p.type === "timeZoneName")?.value ?? "";
  const gmt = GMT_OFFSET.exec(text);
  if (gmt === null) throw new KoreoFunctionError(`cannot read the offset of time zone '${zone}'`);
  return offsetMillis(gmt[1], gmt[2], gmt[3], gmt[4]);
}

/** Milliseconds at 00:00 UTC on 1 January of `year`; `Date.UTC` would map years 0–99 to 1900–1999. */
function startOfYear(year: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  return d.getTime();
}

const READ: Readonly<Record<Accessor, (wall: Date) => number>> = {
  getFullYear: (d) => d.getUTCFullYear(),
  getMonth: (d) => d.getUTCMonth(),
  getDate: (d) => d.getUTCDate(),
  getDayOfMonth: (d) => d.getUTCDate() - 1,
  getDayOfWeek: (d) => d.getUTCDay(),
  getDayOfYear: (d) => Math.floor((d.getTime() - startOfYear(d.getUTCFullYear())) / MS_PER_DAY),
  getHours: (d) => d.getUTCHours(),
  getMinutes: (d) => d.getUTCMinutes(),
  getSeconds: (d) => d.getUTCSeconds(),
  getMilliseconds: (d) => d.getUTCMilliseconds(),
};

/** The field `name` of timestamp `ts` on the wall clock of `zone` (UTC when absent). */
export function timestampField(name: Accessor, ts: CelValue, zone?: string): bigint {
  const instant = timestampMillis(ts);
  return BigInt(READ[name](new Date(instant + zoneOffset(instant, zone))));
}

/** EXPR-105: a duration's total in the accessor's unit, truncated toward zero. */
const DURATION_UNIT_NANOS = { getHours: 3_600n * NANOS, getMinutes: 60n * NANOS, getSeconds: NANOS, getMilliseconds: 1_000_000n } as const;

const shifted = (ts: CelValue, d: CelValue, sign: 1n | -1n) => makeTimestamp(totalNanos(ts) + sign * totalNanos(d), offsetMinutesOf(ts));

export const TIME_FUNCTIONS: readonly CelFunc[] = [
  ...TIME_ACCESSORS.flatMap((name) => [
    celMethod(name, TIMESTAMP, [], INT, function () {
      return timestampField(name, this);
    }),
    celMethod(name, TIMESTAMP, [STRING], INT, function (zone) {
      return timestampField(name, this, zone);
    }),
  ]),
  ...(Object.entries(DURATION_UNIT_NANOS) as [string, bigint][]).map(([name, unit]) =>
    celMethod(name, DURATION, [], INT, function () {
      return totalNanos(this) / unit;
    }),
  ),
  celFunc("timestamp", [STRING], TIMESTAMP, parseTimestamp),
  celFunc("timestamp", [INT], TIMESTAMP, () => {
    throw new KoreoFunctionError("timestamp() takes text, not a number");
  }),
  celFunc("duration", [STRING], DURATION, parseDuration),
  celFunc("duration", [INT], DURATION, (seconds: bigint) => makeDuration(seconds * NANOS)),
  celFunc("duration", [UINT], DURATION, (seconds: CelUint) => makeDuration(seconds.value * NANOS)),
  // The reference converts no duration to a number.
  ...(["int", "uint"] as const).map((name) =>
    celFunc(name, [DURATION], name === "int" ? INT : UINT, () => {
      throw new KoreoFunctionError(`${name}() does not take a duration`);
    }),
  ),
  celFunc("_+_", [TIMESTAMP, DURATION], TIMESTAMP, (ts, d) => shifted(ts as CelValue, d as CelValue, 1n)),
  celFunc("_+_", [DURATION, TIMESTAMP], TIMESTAMP, (d, ts) => shifted(ts as CelValue, d as CelValue, 1n)),
  celFunc("_-_", [TIMESTAMP, DURATION], TIMESTAMP, (ts, d) => shifted(ts as CelValue, d as CelValue, -1n)),
  celFunc("_-_", [TIMESTAMP, TIMESTAMP], DURATION, (a, b) => makeDuration(totalNanos(a as CelValue) - totalNanos(b as CelValue))),
  celFunc("_+_", [DURATION, DURATION], DURATION, (a, b) => makeDuration(totalNanos(a as CelValue) + totalNanos(b as CelValue))),
  celFunc("_-_", [DURATION, DURATION], DURATION, (a, b) => makeDuration(totalNanos(a as CelValue) - totalNanos(b as CelValue))),
];
