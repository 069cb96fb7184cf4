/**
 * The difference check (RF-22, CMP-1..5): does the live object match the
 * target? Only the target drives the walk; the first difference ends it and is
 * described as a path, e.g. `'spec' -> 'tier' -> <target:[standard], resource:[premium]>`.
 */
import { scalarsEqual } from "../../value/index.ts";
import { isList, isMap, type Value, type ValueMap } from "../../value/index.ts";
import { keyByFields } from "./as-map.ts";
import { compareAsSet, type Difference } from "./as-set.ts";
import { DIRECTIVE_KEYS, readDirectives } from "./directives.ts";
import { renderScalar } from "./render.ts";

export type { Difference } from "./as-set.ts";

export type CompareResult = { readonly match: true } | { readonly match: false; readonly difference: Difference };

/** RF-22. `lastApplied` is the parsed last-applied annotation of the live object (`null` when none). */
export function compareResource(target: Value, live: Value, lastApplied: Value): CompareResult {
  const difference = compareValue(target, live, lastApplied);
  return difference === undefined ? { match: true } : { match: false, difference };
}

/** RF-23: how a difference appears in messages. */
export function describeDifference(difference: Difference): string {
  return difference.join(" -> ");
}

function compareValue(target: Value, live: Value, lastApplied: Value): Difference | undefined {
  if (isMap(target)) return compareMap(target, live, lastApplied);
  if (isList(target)) return compareList(target, live, lastApplied);
  return scalarsEqual(target, live) ? undefined : [mismatch(target, live)];
}

/** CMP-1. `ownerReferences` is never compared (RF-24); directive keys steer, they are not data. */
function compareMap(target: ValueMap, live: Value, lastApplied: Value): Difference | undefined {
  if (!isMap(live)) return [mismatch(target, live)];
  const directives = readDirectives(target);
  const applied = isMap(lastApplied) ? lastApplied : undefined;
  for (const [key, want] of Object.entries(target)) {
    if (DIRECTIVE_KEYS.has(key) || key === "ownerReferences") continue;
    const appliedValue = applied?.[key] ?? null;
    const fromLastApplied = directives.lastApplied.has(key);
    if (!fromLastApplied && !Object.hasOwn(live, key)) return [`<missing '${key}' in resource>`];
    const actual = fromLastApplied ? appliedValue : (live[key] ?? null);
    const difference = compareKey(key, want, actual, appliedValue, directives);
    if (difference !== undefined) return [`'${key}'`, ...difference];
  }
  return undefined;
}

function compareKey(key: string, want: Value, actual: Value, applied: Value, directives: ReturnType<typeof readDirectives>): Difference | undefined {
  const fields = directives.asMap.get(key);
  if (fields !== undefined) {
    return compareValue(keyByFields(want, fields), keyByFields(actual, fields), keyByFields(applied, fields));
  }
  if (directives.asSet.has(key) && isList(want)) return compareAsSet(want, actual);
  return compareValue(want, actual, applied);
}

/** CMP-2: ordered, element by element, threading last-applied by index (CMP-5). */
function compareList(target: readonly Value[], live: Value, lastApplied: Value): Difference | undefined {
  if (target.length === 0 && (live === null || (isList(live) && live.length === 0))) return undefined;
  if (!isList(live)) return [mismatch([...target], live)];
  // The reference's text has no closing `>`; kept because users match on it.
  if (target.length !== live.length) return [`<length mismatch target:${target.length}, actual:${live.length}`];
  const applied = isList(lastApplied) ? lastApplied : [];
  for (let i = 0; i < target.length; i++) {
    const difference = compareValue(target[i] ?? null, live[i] ?? null, applied[i] ?? null);
    if (difference !== undefined) return [`at index '${i}'`, ...difference];
  }
  return undefined;
}

function mismatch(target: Value, live: Value): string {
  return `<target:[${renderScalar(target)}], resource:[${renderScalar(live)}]>`;
}
