/**
 * The data model: JSON with CEL's int (bigint) and double kept apart, ordered maps, merge patch, selectors.
 * May import: nothing.
 */
export { canonicalJson } from "./canonical-json.ts";
export { deepMerge } from "./deep-merge.ts";
export { isNumber, scalarsEqual, valuesEqual } from "./equal.ts";
export { applyMergePatch } from "./merge-patch.ts";
export { matchesSelector, type Parsed, parseFieldSelector, parseSelector, type Requirement, SELECTABLE_FIELDS } from "./selectors.ts";
export {
  cloneValue,
  entriesOf,
  fromPlain,
  INT64_MAX,
  INT64_MIN,
  isList,
  isMap,
  keysOf,
  parseJsonValue,
  setEntry,
  toJsonText,
  toPlain,
  UINT64_MAX,
  type Value,
  type ValueMap,
} from "./value.ts";
