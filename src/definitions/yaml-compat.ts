/**
 * YAML 1.1 compatibility (FTF-5, FT-34). The reference reads Koreo files with PyYAML
 * (YAML 1.1) and kubectl also speaks 1.1, so where both agree we follow them:
 * unquoted `yes`/`on`/`off`/… are booleans, `0644` is octal (420: think `defaultMode`)
 * and `1_000` is 1000. Everything else follows the YAML 1.2 core schema (sexagesimal
 * `1:30` and timestamps stay strings; PyYAML's readings of them are never intended).
 * Every plain scalar whose meaning depends on the YAML version gets a warning.
 */
import type { ScalarTag, Tags } from "yaml";

/** The words PyYAML's resolver treats as booleans (it leaves out the spec's y/n). */
const PYYAML_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const TRUE_WORDS = new Set(["yes", "true", "on"]);
const OCTAL_1_1 = /^[-+]?0[0-7_]+$/;
const UNDERSCORE_INT = /^[-+]?[1-9][0-9_]*$/;

const BOOL_TAG = "tag:yaml.org,2002:bool";
const INT_TAG = "tag:yaml.org,2002:int";

function signed(source: string, digits: (unsigned: string) => bigint): bigint {
  const negative = source.startsWith("-");
  const unsigned = source.replace(/^[-+]/, "").replace(/_/g, "");
  const value = digits(unsigned);
  return negative ? -value : value;
}

const yaml11Bool: ScalarTag = {
  identify: (value) => typeof value === "boolean",
  default: true,
  tag: BOOL_TAG,
  test: PYYAML_BOOL,
  resolve: (source) => TRUE_WORDS.has(source.toLowerCase()),
};

const yaml11Octal: ScalarTag = {
  identify: () => false,
  default: true,
  tag: INT_TAG,
  format: "OCT",
  test: OCTAL_1_1,
  resolve: (source) => signed(source, (u) => BigInt(`0o${u}`)),
};

const yaml11UnderscoreInt: ScalarTag = {
  identify: () => false,
  default: true,
  tag: INT_TAG,
  test: UNDERSCORE_INT,
  resolve: (source) => signed(source, (u) => BigInt(u)),
};

/** Core schema's `0o17` octal is YAML 1.2 only; PyYAML and kubectl read it as a string. */
function isCoreOctal(tag: ScalarTag): boolean {
  return tag.tag === INT_TAG && tag.format === "OCT";
}

/** `customTags` for the core schema: YAML 1.1 booleans, octals and `_` ints take precedence. */
export function withYaml11Scalars(tags: Tags): Tags {
  const kept = tags.filter((t) => typeof t === "string" || (t.tag !== BOOL_TAG && !(isScalarTag(t) && isCoreOctal(t))));
  return [yaml11Bool, yaml11Octal, yaml11UnderscoreInt, ...kept];
}

function isScalarTag(t: Tags[number]): t is ScalarTag {
  return typeof t !== "string" && "test" in t;
}

const RULES: ReadonlyArray<readonly [RegExp, (source: string) => string | undefined]> = [
  [/^(?:true|True|TRUE|false|False|FALSE)$/, () => undefined],
  [PYYAML_BOOL, (s) => `unquoted '${s}' is the boolean ${TRUE_WORDS.has(s.toLowerCase())} (YAML 1.1); quote it if a string is meant`],
  [/^[yYnN]$/, (s) => `unquoted '${s}' is a string (as in PyYAML) but a boolean for kubectl (YAML 1.1); quote it`],
  [OCTAL_1_1, (s) => `unquoted '${s}' is the octal number ${signed(s, (u) => BigInt(`0o${u}`))} (YAML 1.1); write it in decimal or quote it`],
  [/^[-+]?0[0-9_]+$/, (s) => `unquoted '${s}' has a leading zero; YAML 1.1 reads it as a string, YAML 1.2 as a number; quote it or drop the zero`],
  [UNDERSCORE_INT, (s) => (s.includes("_") ? `unquoted '${s}' is the number ${s.replace(/_/g, "")} (YAML 1.1); remove the underscores` : undefined)],
  [/^0o[0-7]+$/, (s) => `unquoted '${s}' is a string (YAML 1.1); YAML 1.2 reads it as an octal number; quote it`],
  [/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/, (s) => `unquoted '${s}' is a string here but a sexagesimal number in YAML 1.1; quote it`],
  [/^[-+]?[0-9][0-9_]*_[0-9_]*\.[0-9_]*$/, (s) => `unquoted '${s}' is a string here but a number in YAML 1.1; quote it or remove the underscores`],
];

/**
 * The warning for a plain (unquoted) scalar whose meaning depends on the YAML version,
 * or undefined. `true`/`false` mean the same everywhere and get none.
 */
export function yaml11Warning(source: string): string | undefined {
  for (const [pattern, message] of RULES) {
    if (pattern.test(source)) return message(source);
  }
  return undefined;
}
