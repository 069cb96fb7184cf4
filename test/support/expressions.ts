import assert from "node:assert/strict";
import { evaluateSource, type Scope } from "../../src/expressions/index.ts";
import { fromPlain, type Value } from "../../src/value/value.ts";

/** Evaluates and returns the value; fails the test on an error outcome. */
export function ev(source: string, scope: Scope = {}): Value {
  const r = evaluateSource(source, scope);
  if (!r.ok) assert.fail(`${source} failed: ${r.outcome.message}`);
  return r.value;
}

/** Evaluates and returns the PermFail message; fails the test on success. */
export function evErr(source: string, scope: Scope = {}): string {
  const r = evaluateSource(source, scope);
  if (r.ok) assert.fail(`${source} should fail, got ${String(r.value)}`);
  assert.equal(r.outcome.kind, "PermFail");
  return r.outcome.message ?? "";
}

/** Plain JS → Value with whole numbers as ints. */
export const v = (x: unknown): Value => fromPlain(x);

export function inputs(x: unknown): Scope {
  return { inputs: fromPlain(x) };
}
