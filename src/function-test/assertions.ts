/**
 * FT-21..FT-24: judging one case from what the function did. Message texts keep
 * the reference's shapes (users grep for them); differences are field paths.
 */
import { renderOutcome } from "../outcome/index.ts";
import type { Outcome } from "../outcome/index.ts";
import { isMap, type Value, type ValueMap } from "../value/index.ts";
import { compareValues, type Difference } from "./compare.ts";
import type { Expectation, ExpectedOutcome } from "./types.ts";

export const LAST_APPLIED_ANNOTATION = "koreo.dev/last-applied-configuration";

/** What one function evaluation did, as the assertions see it. */
export interface CaseObservation {
  readonly outcome: Outcome;
  /** A create, patch or delete happened in this case. */
  readonly wrote: boolean;
  readonly deleted: boolean;
  /** The simulated resource after the call. */
  readonly resource: ValueMap;
}

export interface Verdict {
  readonly passed: boolean;
  readonly message: string | null;
  readonly differences: readonly Difference[];
  readonly actual?: Value;
}

const pass: Verdict = { passed: true, message: null, differences: [] };

function fail(message: string | null, differences: readonly Difference[] = [], actual?: Value): Verdict {
  return actual === undefined ? { passed: false, message, differences } : { passed: false, message, differences, actual };
}

export function judge(expectation: Expectation, seen: CaseObservation): Verdict {
  switch (expectation.kind) {
    case "return":
      return judgeReturn(expectation.value, seen.outcome);
    case "resource":
      return judgeResource(expectation.value, seen);
    case "outcome":
      return judgeOutcome(expectation.outcome, seen.outcome);
    case "delete":
      return seen.deleted === expectation.value ? pass : fail(seen.deleted ? "Delete called" : "Delete not called.");
  }
}

/** The assertion in words, for reports. */
export function describeExpectation(expectation: Expectation): string {
  switch (expectation.kind) {
    case "return":
      return "expectReturn";
    case "resource":
      return "expectResource";
    case "delete":
      return `expectDelete: ${expectation.value}`;
    case "outcome":
      return `expectOutcome: ${describeExpected(expectation.outcome)}`;
  }
}

/** FT-21: Ok, and the value matches exactly. */
function judgeReturn(expected: ValueMap, outcome: Outcome): Verdict {
  if (outcome.kind !== "Ok") return fail(`Non-Ok return value (${renderOutcome(outcome)})`);
  const differences = compareValues(expected, outcome.value);
  return differences.length === 0 ? pass : fail(null, differences, outcome.value);
}

/** FT-22: a write happened, the outcome is a Retry, and the slot (minus last-applied) matches. */
function judgeResource(expected: ValueMap, seen: CaseObservation): Verdict {
  if (!seen.wrote) {
    const why = seen.outcome.kind === "Ok" ? "unexpected Ok result" : (seen.outcome.message ?? renderOutcome(seen.outcome));
    return fail(`No resource changes attempted: ${why}`);
  }
  if (seen.outcome.kind !== "Retry") return fail(`Unexpected result-type (${renderOutcome(seen.outcome)}), but expected Retry`);
  const actual = withoutLastApplied(seen.resource);
  const differences = compareValues(expected, actual);
  return differences.length === 0 ? pass : fail(null, differences, actual);
}

/** FTF-2: drop the last-applied annotation, and the whole `annotations` map when it was the only entry. */
export function withoutLastApplied(resource: ValueMap): ValueMap {
  const metadata = resource.metadata;
  if (!isMap(metadata) || !isMap(metadata.annotations) || !(LAST_APPLIED_ANNOTATION in metadata.annotations)) return resource;
  const { [LAST_APPLIED_ANNOTATION]: _dropped, ...rest } = metadata.annotations;
  const { annotations: _all, ...otherMetadata } = metadata;
  const nextMetadata = Object.keys(metadata.annotations).length === 1 ? otherMetadata : { ...otherMetadata, annotations: rest };
  return { ...resource, metadata: nextMetadata };
}

/** FT-23: kind must match; messages are case-insensitive substrings; retry delay 0 matches any. */
export function judgeOutcome(expected: ExpectedOutcome, actual: Outcome): Verdict {
  if (expected.kind !== actual.kind) return fail(`Expected(${describeExpected(expected)}) Actual(${renderOutcome(actual)})`);
  if (expected.kind === "Ok" || actual.kind === "Ok") return pass;
  const messageOk = expected.message === "" || (actual.message ?? "").toLowerCase().includes(expected.message.toLowerCase());
  if (expected.kind === "Retry" && actual.kind === "Retry") {
    const delayOk = expected.delay === 0 || expected.delay === actual.delay;
    if (messageOk && delayOk) return pass;
    return fail(`Retry: Expected(message=${expected.message}, delay=${expected.delay}) Actual(message=${actual.message ?? ""}, delay=${actual.delay})`);
  }
  return messageOk ? pass : fail(`${expected.kind}: Expected(message=${expected.message}) Actual(message=${actual.message ?? ""})`);
}

/** The expected outcome in OUT-5 form (`User Skip` for an empty Skip message, as the reference). */
function describeExpected(expected: ExpectedOutcome): string {
  switch (expected.kind) {
    case "Ok":
      return "Ok";
    case "Retry":
      return renderOutcome({ kind: "Retry", delay: expected.delay, message: expected.message });
    default:
      return renderOutcome(expected.message === "" ? { kind: expected.kind } : { kind: expected.kind, message: expected.message });
  }
}
