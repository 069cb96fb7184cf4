/**
 * FT-20: the structural comparison behind `expectReturn` and `expectResource`.
 * Exact match (not subset): every expected key must exist and every actual key
 * must be expected. Differences come back as a flat list of field paths, the
 * readable form of the reference's difference tree (FT-20 recommendation).
 */
import { isNumber, scalarsEqual } from "../value/index.ts";
import { isList, isMap, toJsonText, type Value, type ValueMap } from "../value/index.ts";

export type DifferenceKind = "mismatch" | "missing" | "unexpected" | "length" | "set-member-missing" | "set-member-unexpected" | "uncomparable";

export interface Difference {
  readonly kind: DifferenceKind;
  /** Field path from the compared root, e.g. `spec.containers[0].image`; `""` is the root. */
  readonly path: string;
  readonly expected?: Value;
  readonly actual?: Value;
  readonly detail?: string;
}

const COMPARE_AS_SET = "x-koreo-compare-as-set";
const COMPARE_AS_MAP = "x-koreo-compare-as-map";
const COMPARE_LAST_APPLIED = "x-koreo-compare-last-applied";
const DIRECTIVES: ReadonlySet<string> = new Set([COMPARE_AS_SET, COMPARE_AS_MAP, COMPARE_LAST_APPLIED]);

/** Every difference between `expected` and `actual`; empty means they match. */
export function compareValues(expected: Value, actual: Value): Difference[] {
  const out: Difference[] = [];
  compareAt("", expected, actual, out);
  return out;
}

function compareAt(path: string, expected: Value, actual: Value, out: Difference[]): void {
  if (isMap(expected)) return compareMaps(path, expected, actual, out);
  if (isList(expected)) return compareLists(path, expected, actual, out);
  if (!scalarsEqual(expected, actual)) out.push({ kind: "mismatch", path, expected, actual });
}

function compareMaps(path: string, expected: ValueMap, actual: Value, out: Difference[]): void {
  if (!isMap(actual)) {
    out.push({ kind: "mismatch", path, expected, actual });
    return;
  }
  const asSet = new Set(stringList(expected[COMPARE_AS_SET]));
  const asMap = isMap(expected[COMPARE_AS_MAP]) ? expected[COMPARE_AS_MAP] : {};
  for (const [key, value] of Object.entries(expected)) {
    if (DIRECTIVES.has(key)) continue;
    const childPath = joinKey(path, key);
    if (!(key in actual)) {
      out.push({ kind: "missing", path: childPath, expected: value });
      continue;
    }
    const actualValue = actual[key] as Value;
    const keyFields = stringList(asMap[key]);
    if (keyFields.length > 0) compareAsMap(childPath, value, actualValue, keyFields, out);
    else if (asSet.has(key)) compareAsSet(childPath, value, actualValue, out);
    else compareAt(childPath, value, actualValue, out);
  }
  for (const [key, value] of Object.entries(actual)) {
    if (!DIRECTIVES.has(key) && !(key in expected)) out.push({ kind: "unexpected", path: joinKey(path, key), actual: value });
  }
}

function compareLists(path: string, expected: Value[], actual: Value, out: Difference[]): void {
  if (!isList(actual)) {
    out.push({ kind: "mismatch", path, expected, actual });
    return;
  }
  if (expected.length !== actual.length) {
    out.push({ kind: "length", path, expected, actual, detail: `expected ${expected.length} item(s), got ${actual.length}` });
    return;
  }
  expected.forEach((item, i) => compareAt(`${path}[${i}]`, item, actual[i] as Value, out));
}

/** `x-koreo-compare-as-set`: scalars only; order and duplicates ignored. */
function compareAsSet(path: string, expected: Value, actual: Value, out: Difference[]): void {
  if (!isList(expected) || !isList(actual)) return compareAt(path, expected, actual, out);
  if ([...expected, ...actual].some((v) => isMap(v) || isList(v))) {
    out.push({ kind: "uncomparable", path, expected, actual, detail: "Could not compare array-as-set, try: x-koreo-compare-as-map" });
    return;
  }
  const expectedKeys = new Map(expected.map((v) => [memberKey(v), v]));
  const actualKeys = new Map(actual.map((v) => [memberKey(v), v]));
  for (const [key, v] of expectedKeys) if (!actualKeys.has(key)) out.push({ kind: "set-member-missing", path, expected: v });
  for (const [key, v] of actualKeys) if (!expectedKeys.has(key)) out.push({ kind: "set-member-unexpected", path, actual: v });
}

/** `x-koreo-compare-as-map`: lists of maps keyed by the listed fields (values joined with `$`). */
function compareAsMap(path: string, expected: Value, actual: Value, fields: string[], out: Difference[]): void {
  if (!isList(expected) || !isList(actual)) return compareAt(path, expected, actual, out);
  const expectedMap = keyedBy(expected, fields);
  const actualMap = keyedBy(actual, fields);
  for (const [key, value] of expectedMap) {
    const childPath = `${path}[${key}]`;
    if (!actualMap.has(key)) out.push({ kind: "missing", path: childPath, expected: value });
    else compareAt(childPath, value, actualMap.get(key) as Value, out);
  }
  for (const [key, value] of actualMap) {
    if (!expectedMap.has(key)) out.push({ kind: "unexpected", path: `${path}[${key}]`, actual: value });
  }
}

function keyedBy(items: Value[], fields: string[]): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const item of items) {
    const parts = fields.map((f) => (isMap(item) && item[f] !== undefined ? scalarText(item[f] as Value).trim() : "null"));
    out.set(parts.join("$"), item);
  }
  return out;
}

/**
 * Set membership key: numbers by value, kept apart from booleans and strings (CMP-4 recommendation).
 * Not functions/compare/as-set.ts `memberKey`: that one keys whole doubles beyond 2^53 by their
 * decimal text, this one by their exact integer, so the two can disagree on huge numbers.
 */
function memberKey(v: Value): string {
  if (typeof v === "number" && Number.isInteger(v)) return `n:${BigInt(v)}`;
  if (isNumber(v)) return `n:${v}`;
  return `${typeof v}:${String(v)}`;
}

function scalarText(v: Value): string {
  return typeof v === "string" ? v : toJsonText(v);
}

function stringList(v: Value | undefined): string[] {
  return isList(v) ? v.filter((s): s is string => typeof s === "string" && s !== "") : [];
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `spec.replicas`, or `metadata.annotations['koreo.dev/x']` for keys that are not plain names (as formatPath). */
export function joinKey(path: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${path}['${key.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;
  return path === "" ? key : `${path}.${key}`;
}
