import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ev, evErr } from "../support/expressions.ts";

const PROBE = fileURLToPath(new URL("./fixtures/accessor-probe.ts", import.meta.url));
const ACCESSORS = [
  "getFullYear",
  "getMonth",
  "getDate",
  "getDayOfMonth",
  "getDayOfWeek",
  "getDayOfYear",
  "getHours",
  "getMinutes",
  "getSeconds",
  "getMilliseconds",
];

/** Evaluates `sources` in a child process whose local time zone is `tz`. */
function evaluateInZone(tz: string, sources: readonly string[]): unknown[] {
  const r = spawnSync(process.execPath, ["--import", "tsx", PROBE, ...sources], { encoding: "utf8", env: { ...process.env, TZ: tz } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as unknown[];
}

// 02:30 UTC on 10 March 2024 is inside New York's spring-forward gap (02:00–03:00 local),
// and 23:30 UTC on 31 December is already 1 January in Kolkata (UTC+05:30).
const DST_GAP = 'timestamp("2024-03-10T02:30:45.123Z")';
const YEAR_END = 'timestamp("2024-12-31T23:30:00Z")';
const accessorsOf = (ts: string) => ACCESSORS.map((a) => `${ts}.${a}()`);
const EXPECTED_UTC = [
  [2024, 2, 10, 9, 0, 69, 2, 30, 45, 123],
  [2024, 11, 31, 30, 2, 365, 23, 30, 0, 0],
];

for (const tz of ["America/New_York", "Asia/Kolkata"]) {
  test(`EXPR-94 accessors without a zone are UTC whatever the process TZ (TZ=${tz})`, () => {
    const got = evaluateInZone(tz, [...accessorsOf(DST_GAP), ...accessorsOf(YEAR_END)]);
    assert.deepEqual(got, EXPECTED_UTC.flat());
  });
}

test("EXPR-94 accessors with an IANA zone read that zone's wall clock, DST included", () => {
  assert.equal(ev(`${DST_GAP}.getHours("America/New_York")`), 21n, "EST before the switch");
  assert.equal(ev('timestamp("2024-03-10T07:30:00Z").getHours("America/New_York")'), 3n, "EDT after the switch");
  assert.equal(ev(`${YEAR_END}.getFullYear("Asia/Kolkata")`), 2025n);
  assert.equal(ev(`${YEAR_END}.getDayOfYear("Asia/Kolkata")`), 0n);
  assert.equal(ev(`${YEAR_END}.getMinutes("Asia/Kolkata")`), 0n);
  assert.equal(ev(`${YEAR_END}.getDayOfWeek("UTC")`), 2n);
});

test("EXPR-94 accessors accept a fixed ±HH:MM offset and reject unknown zones", () => {
  assert.equal(ev(`${DST_GAP}.getHours("+05:30")`), 8n);
  assert.equal(ev(`${DST_GAP}.getHours("-08:00")`), 18n);
  assert.equal(ev(`${DST_GAP}.getDate("-08:00")`), 9n);
  assert.match(evErr(`${DST_GAP}.getHours("Mars/Olympus")`), /unknown time zone 'Mars\/Olympus'/);
});

test("EXPR-94 accessors keep years below 100 (no 1900s mapping)", () => {
  assert.equal(ev('timestamp("0050-03-01T00:00:00Z").getFullYear()'), 50n);
  assert.equal(ev('timestamp("0050-03-01T00:00:00Z").getDayOfYear()'), 59n);
});
