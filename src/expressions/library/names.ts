/** Names of the functions Koreo adds, and of the internal helpers the rewriter calls. */

/** EXPR-FN-1..19: the Koreo extension functions, callable as methods or globals. */
export const KOREO_FUNCTIONS = [
  "to_ref",
  "self_ref",
  "group_ref",
  "kindless_ref",
  "config_connect_ready",
  "overlay",
  "flatten",
  "lower",
  "strip",
  "rstrip",
  "split",
  "split_first",
  "split_last",
  "split_index",
  "to_json",
  "from_json",
  "b64encode",
  "b64decode",
  "replace",
] as const;

/** Timestamp accessors (EXPR-94). */
export const TIME_ACCESSORS = [
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
] as const;

/** EXPR-31: functions whose global form `f(x, …)` means `x.f(…)`. */
export const RECEIVER_FUNCTIONS: ReadonlySet<string> = new Set<string>([
  ...KOREO_FUNCTIONS,
  ...TIME_ACCESSORS,
  "contains",
  "startsWith",
  "endsWith",
  "matches",
]);

/** Internal helpers; `@` cannot start a CEL identifier, so programs cannot call them. */
export const INTERNAL = Object.freeze({
  alwaysFalse: "@koreo_false",
  range: "@koreo_range",
  append: "@koreo_append",
  fail: "@koreo_fail",
  index: "@koreo_index",
  absent: "@koreo_absent",
  value: "@koreo_value",
  absorbsEquality: "@koreo_absorbs_equality",
  absorbsMembership: "@koreo_absorbs_membership",
  sameFailure: "@koreo_same_failure",
  requireBool: "@koreo_require_bool",
  requireNumber: "@koreo_require_number",
});
