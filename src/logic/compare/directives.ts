/** The comparison directive keys (RF-18, CMP-1) and how they are read and stripped. */
import { isList, isMap, type Value, type ValueMap } from "../../value/index.ts";

export const COMPARE_AS_SET = "x-koreo-compare-as-set";
export const COMPARE_AS_MAP = "x-koreo-compare-as-map";
export const COMPARE_LAST_APPLIED = "x-koreo-compare-last-applied";
export const DIRECTIVE_KEYS: ReadonlySet<string> = new Set([COMPARE_AS_SET, COMPARE_AS_MAP, COMPARE_LAST_APPLIED]);

/** The directives of one map level; they only ever name keys of that same map. */
export interface MapDirectives {
  readonly asSet: ReadonlySet<string>;
  readonly asMap: ReadonlyMap<string, readonly string[]>;
  readonly lastApplied: ReadonlySet<string>;
}

const NONE: MapDirectives = { asSet: new Set(), asMap: new Map(), lastApplied: new Set() };

export function readDirectives(map: ValueMap): MapDirectives {
  if (!(COMPARE_AS_SET in map || COMPARE_AS_MAP in map || COMPARE_LAST_APPLIED in map)) return NONE;
  return { asSet: names(map[COMPARE_AS_SET]), asMap: fieldLists(map[COMPARE_AS_MAP]), lastApplied: names(map[COMPARE_LAST_APPLIED]) };
}

/** Empty names are ignored (CMP-1). */
function names(v: Value | undefined): Set<string> {
  if (!isList(v)) return new Set();
  return new Set(v.filter((n): n is string => typeof n === "string" && n !== ""));
}

function fieldLists(v: Value | undefined): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  if (!isMap(v)) return out;
  for (const [key, fields] of Object.entries(v)) {
    if (key !== "") out.set(key, [...names(fields)]);
  }
  return out;
}

/** RF-18: a copy with every directive key removed at every level (maps inside lists too). */
export function stripDirectives(v: Value): Value {
  if (isList(v)) return v.map(stripDirectives);
  if (!isMap(v)) return v;
  const out: ValueMap = {};
  for (const [key, child] of Object.entries(v)) {
    if (!DIRECTIVE_KEYS.has(key)) out[key] = stripDirectives(child);
  }
  return out;
}
