/**
 * One `spec.testCases[i]` → PreparedTestCase, with the FT-4 label decoration and
 * the FT-5/FT-6 definition checks. Problems are collected, not thrown.
 */
import { prepareOverlay, type CompiledOverlay } from "../expressions/index.ts";
import { isMap, type Value, type ValueMap } from "../value/index.ts";
import type { Expectation, ExpectedOutcome, FunctionKind, PreparedTestCase } from "./types.ts";

/** A definition error at a field path of the FunctionTest. */
export interface CaseProblem {
  readonly path: string;
  readonly message: string;
}

const ASSERTIONS = ["expectResource", "expectOutcome", "expectReturn", "expectDelete"] as const;

/** FT-4: `Test Case <n>` when unlabelled; variants get `[variant] ` unless the label says so. */
export function decorateLabel(raw: Value | undefined, index: number, variant: boolean): string {
  const label = typeof raw === "string" && raw !== "" ? raw : `Test Case ${index + 1}`;
  return variant && !/variant/i.test(label) ? `[variant] ${label}` : label;
}

export function prepareCase(
  raw: Value,
  index: number,
  functionKind: FunctionKind,
  testLocation: string,
  problems: CaseProblem[],
): PreparedTestCase | undefined {
  const path = `spec.testCases[${index}]`;
  if (!isMap(raw)) {
    problems.push({ path, message: `\`${path}\` must be an object.` });
    return undefined;
  }
  const variant = raw.variant === true;
  const label = decorateLabel(raw.label, index, variant);
  const at = `spec.testCases[${index}: ${JSON.stringify(label)}]`;
  const before = problems.length;
  const fail = (field: string, message: string): void => {
    problems.push({ path: field === "" ? path : `${path}.${field}`, message });
  };

  const present = ASSERTIONS.filter((key) => raw[key] !== undefined && raw[key] !== null);
  if (present.length !== 1) {
    fail("", `\`${at}\` must contain exactly one assertion (\`expectResource\`, \`expectReturn\`, \`expectOutcome\`, or \`expectDelete\`).`);
  }
  const expectation = present.length === 1 ? prepareExpectation(raw, at, functionKind, fail) : undefined;
  const inputOverrides = objectField(raw, "inputOverrides", at, fail);
  const currentResource = objectField(raw, "currentResource", at, fail);
  const overlayRaw = objectField(raw, "overlayResource", at, fail);
  const overlayResource = prepareOverlayResource(overlayRaw, `${testLocation}:${at}.overlayResource`, fail);
  if (problems.length > before || expectation === undefined) return undefined;
  return Object.freeze({
    index,
    label,
    variant,
    skip: raw.skip === true,
    inputOverrides: inputOverrides !== undefined && Object.keys(inputOverrides).length > 0 ? inputOverrides : undefined,
    currentResource: currentResource !== undefined && Object.keys(currentResource).length > 0 ? currentResource : undefined,
    overlayResource,
    expectation,
  });
}

type Fail = (field: string, message: string) => void;

/** FT-6: absent or null → undefined; anything but a map is a definition error. */
function objectField(raw: ValueMap, key: string, at: string, fail: Fail): ValueMap | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (isMap(value)) return value;
  fail(key, `\`${at}.${key}\` must be an object.`);
  return undefined;
}

function prepareOverlayResource(raw: ValueMap | undefined, location: string, fail: Fail): CompiledOverlay | undefined {
  if (raw === undefined || Object.keys(raw).length === 0) return undefined;
  const prepared = prepareOverlay(raw, location);
  if (prepared.ok) return prepared.value;
  fail("overlayResource", prepared.outcome.message ?? `Could not prepare \`${location}\`.`);
  return undefined;
}

/** FT-6, checked in the order expectResource, expectOutcome, expectReturn, expectDelete. */
function prepareExpectation(raw: ValueMap, at: string, functionKind: FunctionKind, fail: Fail): Expectation | undefined {
  if (raw.expectResource !== undefined && raw.expectResource !== null) {
    if (functionKind !== "ResourceFunction") return void fail("expectResource", `\`${at}.expectResource\` only valid for \`ResourceFunction\` tests.`);
    const value = nonEmptyMap(raw.expectResource, `${at}.expectResource`, "expectResource", fail);
    return value && { kind: "resource", value };
  }
  if (raw.expectOutcome !== undefined && raw.expectOutcome !== null) {
    const outcome = parseExpectedOutcome(raw.expectOutcome, at, fail);
    return outcome && { kind: "outcome", outcome };
  }
  if (raw.expectReturn !== undefined && raw.expectReturn !== null) {
    const value = nonEmptyMap(raw.expectReturn, `${at}.expectReturn`, "expectReturn", fail);
    return value && { kind: "return", value };
  }
  if (functionKind !== "ResourceFunction") return void fail("expectDelete", `\`${at}.expectDelete\` only valid for \`ResourceFunction\` tests.`);
  if (typeof raw.expectDelete !== "boolean") return void fail("expectDelete", `\`${at}.expectDelete\` must be a boolean.`);
  return { kind: "delete", value: raw.expectDelete };
}

function nonEmptyMap(value: Value | undefined, at: string, field: string, fail: Fail): ValueMap | undefined {
  if (!isMap(value)) return void fail(field, `\`${at}\` must be an object.`);
  if (Object.keys(value).length === 0) return void fail(field, `\`${at}\` may not be an empty object.`);
  return value;
}

const OUTCOME_KEYS = { ok: "Ok", skip: "Skip", depSkip: "DepSkip", retry: "Retry", permFail: "PermFail" } as const;

/** FT-2 `expectOutcome`: exactly one of ok/skip/depSkip/retry/permFail. */
function parseExpectedOutcome(value: Value, at: string, fail: Fail): ExpectedOutcome | undefined {
  const where = `${at}.expectOutcome`;
  if (!isMap(value)) return void fail("expectOutcome", `\`${where}\` must be an object.`);
  const keys = Object.keys(value).filter((k): k is keyof typeof OUTCOME_KEYS => k in OUTCOME_KEYS);
  const [key] = keys;
  if (keys.length !== 1 || key === undefined)
    return void fail("expectOutcome", `\`${where}\` must be a valid outcome (exactly one of \`ok\`, \`skip\`, \`depSkip\`, \`retry\`, \`permFail\`).`);
  const body = value[key];
  if (!isMap(body)) return void fail(`expectOutcome.${key}`, `\`${where}.${key}\` must be an object.`);
  const kind = OUTCOME_KEYS[key];
  if (kind === "Ok") return { kind };
  const message = body.message === undefined || body.message === null ? "" : scalarText(body.message);
  if (kind !== "Retry") return { kind, message };
  const delay = body.delay;
  if (typeof delay !== "bigint" && !(typeof delay === "number" && Number.isInteger(delay))) {
    return void fail(`expectOutcome.${key}.delay`, `\`${where}.retry.delay\` must be an integer.`);
  }
  return { kind, message, delay: Number(delay) };
}

function scalarText(v: Value): string {
  return typeof v === "string" ? v : typeof v === "bigint" ? v.toString() : JSON.stringify(v);
}
