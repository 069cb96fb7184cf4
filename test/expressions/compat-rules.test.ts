/**
 * The section-13 rules (EXPR-100..108) where they meet programs: predicates,
 * preparation and bounds. The corpus test (compat-corpus.test.ts) checks the
 * values case by case; these check what a platform engineer sees.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateSource, prepareBody, preparePredicates } from "../../src/expressions/index.ts";
import type { Outcome } from "../../src/outcome/outcome.ts";
import { MAX_BACKTRACKING_SUBJECT } from "../../src/expressions/regex.ts";
import { ev, evErr, inputs, v } from "../support/expressions.ts";

const deployment = (status?: unknown) => ({
  resource: v({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, ...(status === undefined ? {} : { status }) }),
});

test("EXPR-100 a postcondition on a status that is not there yet waits (Retry) instead of failing", () => {
  const p = preparePredicates(v([{ assert: '=resource.status.phase == "Ready"', retry: { message: "not ready", delay: 5 } }]), "RF:ns:web:spec.postconditions");
  const predicates = p.ok ? p.value : undefined;
  assert.ok(predicates !== undefined);
  for (const status of [undefined, null, {}, { phase: "Pending" }]) {
    const outcome: Outcome | undefined = predicates.evaluate(deployment(status));
    assert.equal(outcome?.kind, "Retry", JSON.stringify(status));
  }
  assert.equal(predicates.evaluate(deployment({ phase: "Ready" })), undefined, "ready: no outcome, go on");
});

test("EXPR-100 the failure is absorbed only by == and != against a non-number; everything else still fails", () => {
  assert.equal(ev('resource.status.phase.lower() == "ready"', deployment()), false);
  assert.equal(ev("resource.status.replicas != null", deployment()), true);
  assert.match(evErr("resource.status.replicas == 3", deployment()), /field not found: status/);
  assert.match(evErr("size(resource.status.conditions) > 0", deployment()), /field not found: status/);
  assert.match(evErr('resource.status.phase < "z"', deployment()), /field not found: status/);
  assert.equal(ev("resource.status.a == resource.status.b", deployment()), true, "same failure");
  assert.equal(ev("resource.status.a == inputs.x", { ...deployment(), ...inputs({}) }), false, "different failures");
});

test("EXPR-100 / EXPR-90 has() of a comparison with a failed operand asks whether it fails, and it does not", () => {
  assert.equal(ev('has(inputs.missing == "x")', inputs({})), true);
  assert.equal(ev('!has(inputs.missing == "x") ? 1 : 2', inputs({})), 2n);
  assert.equal(ev("has(inputs.missing == 1)", inputs({})), false, "against a number the comparison still fails");
});

test("EXPR-101 a failed left operand of `in` is not a member of a map, a string or a list of strings", () => {
  assert.equal(ev('inputs.missing in {"a": 1}', inputs({})), false);
  assert.equal(ev('inputs.missing in ["a", "b"]', inputs({})), false);
  assert.match(evErr("inputs.missing in [1]", inputs({})), /field not found: missing/);
  assert.match(evErr('"a" in inputs.missing', inputs({})), /field not found: missing/);
});

test('EXPR-102 split functions answer "" for a null or empty receiver, after the empty-separator check', () => {
  assert.equal(ev('inputs.x.split_last("-")', inputs({ x: null })), "");
  assert.equal(ev('"".split_index(".", "1")'), "");
  assert.match(evErr('"".split_first("")'), /split separator may not be empty/);
});

test("EXPR-103 int and uint mix, typed by the left operand", () => {
  assert.equal(ev("1 + 1u"), 2n);
  assert.match(evErr("1u - 2"), /uint overflow/);
  assert.match(evErr("9223372036854775807 + 1u"), /int overflow/);
});

test("EXPR-104 timestamps read ISO 8601, refuse impossible dates and keep their offset", () => {
  assert.equal(ev('timestamp("2024-01-02 03:04:05Z")'), "2024-01-02T03:04:05Z");
  assert.equal(ev('timestamp("2024-W01-2T03:04:05Z")'), "2024-01-02T03:04:05Z");
  assert.equal(ev('timestamp("20240102T030405Z")'), "2024-01-02T03:04:05Z");
  assert.equal(ev('string(timestamp("2024-01-02T03:04:05+0200"))'), "2024-01-02T03:04:05+02:00");
  for (const bad of ["2024-02-30", "2024-01-02T24:00:00Z", "1"]) assert.match(evErr(`timestamp("${bad}")`), /Failed to parse timestamp/, bad);
  assert.match(evErr("timestamp(0)"), /takes text/);
});

test("EXPR-105 durations: units required, microsecond precision, ±10 000 years, totals from accessors", () => {
  for (const bad of ["", "0", "-0", "1µs"]) assert.match(evErr(`duration("${bad}")`), /Failed to parse duration/, bad);
  assert.equal(ev('duration("999999999ns")'), "1s");
  assert.equal(ev('duration("315576000000s")'), "315576000000s");
  assert.match(evErr('duration("315576000001s")'), /duration out of range/);
  assert.equal(ev('duration("90s").getMilliseconds()'), 90000n);
  assert.equal(ev('duration("1h30m").getMinutes()'), 90n);
});

test("EXPR-106 matches() takes Python re syntax", () => {
  const bucket = "^(?!.*\\\\.\\\\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";
  assert.equal(ev(`inputs.name.matches("${bucket}")`, inputs({ name: "my-bucket" })), true);
  assert.equal(ev(`inputs.name.matches("${bucket}")`, inputs({ name: "my..bucket" })), false);
  assert.equal(ev('"abab".matches("(?P<x>ab)(?P=x)")'), true);
  assert.equal(ev('"a\\n".matches("a$")'), true, "$ also matches before a final newline");
  assert.equal(ev('"a\\n".matches("a\\\\Z")'), false);
  assert.equal(ev('"ABC".matches("(?i)^abc$")'), true);
  assert.equal(ev('"a:".matches("^[[:alpha:]]+$")'), false, "[[:alpha:]] is a plain set followed by ]");
  assert.equal(ev('"٣".matches("^\\\\d$")'), true, "\\d is Unicode-aware");
});

test("EXPR-106 an invalid constant pattern fails preparation; an invalid pattern from data fails evaluation", () => {
  const prepared = prepareBody('=inputs.name.matches("\\\\p{L}+")', "VF:ns:v:spec.return");
  assert.equal(prepared.ok, false);
  if (!prepared.ok) assert.match(prepared.outcome.message ?? "", /invalid regular expression '\\p\{L\}\+': bad escape \\p/);
  assert.match(evErr("inputs.name.matches(inputs.re)", inputs({ name: "a", re: "(" })), /invalid regular expression '\('/);
});

test("EXPR-106 evaluation stays bounded: RE2 runs catastrophic shapes in linear time; backtracking patterns are capped", () => {
  const long = "a".repeat(100_000);
  assert.equal(ev('inputs.s.matches("^(a+)+$")', inputs({ s: `${long}!` })), false, "RE2 answers without backtracking");
  assert.equal(ev('inputs.s.matches("^(a|aa)*$")', inputs({ s: long })), true);
  assert.match(evErr('"a".matches("(?=a)(a+)+$")'), /may not repeat a group that repeats or alternates/);
  assert.equal(ev('inputs.s.matches("(?=a)a+")', inputs({ s: "a".repeat(MAX_BACKTRACKING_SUBJECT) })), true);
  assert.match(evErr('inputs.s.matches("(?=a)a+")', inputs({ s: "a".repeat(MAX_BACKTRACKING_SUBJECT + 1) })), /subjects are limited to 10000 characters/);
});

test("EXPR-107 config_connect_ready is false for a list or wrongly shaped status", () => {
  assert.equal(ev('{"status": {"conditions": {}}}.config_connect_ready()'), false);
});

test("EXPR-108 index-like keys keep insertion order; __proto__ is data; !! and -(-x) still check types", () => {
  assert.deepEqual(ev('{"app": 1, "tier": 2, "1": 3}.map(k, k)'), ["app", "tier", "1"]);
  const proto = evaluateSource('{"__proto__": {"polluted": true}}', {});
  assert.ok(proto.ok && Object.hasOwn(proto.value as object, "__proto__"));
  assert.equal(({} as Record<string, unknown>).polluted, undefined, "no prototype was touched");
  assert.match(evErr("!!1"), /no matching overload for '!_'/);
  assert.match(evErr('-(-"a")'), /no matching overload for '-_'/);
  assert.equal(ev("!!true"), true);
  assert.match(evErr("inputs.huge", inputs({ huge: 2n ** 63n })), /outside the 64-bit range/);
});
