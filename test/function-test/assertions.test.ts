import { test } from "node:test";
import assert from "node:assert/strict";
import { judge, withoutLastApplied, LAST_APPLIED_ANNOTATION, type CaseObservation } from "../../src/function-test/assertions.ts";
import { Outcome } from "../../src/outcome/outcome.ts";

const seen = (outcome: Outcome, extra: Partial<CaseObservation> = {}): CaseObservation => ({ outcome, wrote: false, deleted: false, resource: {}, ...extra });

test("FT-21 expectReturn passes on Ok with an exactly matching value", () => {
  assert.equal(judge({ kind: "return", value: { a: 1n } }, seen(Outcome.ok({ a: 1n }))).passed, true);
  const v = judge({ kind: "return", value: { a: 1n } }, seen(Outcome.ok({ a: 2n, b: 1n })));
  assert.equal(v.passed, false);
  assert.deepEqual(
    v.differences.map((d) => d.path),
    ["a", "b"],
  );
  assert.deepEqual(v.actual, { a: 2n, b: 1n });
});

test("FT-21 expectReturn on a non-Ok outcome fails with the rendered outcome", () => {
  const v = judge({ kind: "return", value: { a: 1n } }, seen(Outcome.retry(30, "Creating Widget:widgets:w.")));
  assert.equal(v.message, "Non-Ok return value (Retry(delay=30, message=Creating Widget:widgets:w.))");
});

test("FT-21 a function without return yields null, which never matches", () => {
  assert.equal(judge({ kind: "return", value: { a: 1n } }, seen(Outcome.ok(null))).passed, false);
});

test("FT-22 expectResource without a write fails with the outcome's message", () => {
  assert.equal(judge({ kind: "resource", value: { a: 1n } }, seen(Outcome.ok(null))).message, "No resource changes attempted: unexpected Ok result");
  assert.equal(judge({ kind: "resource", value: { a: 1n } }, seen(Outcome.permFail("boom"))).message, "No resource changes attempted: boom");
});

test("FT-22 expectResource after a write needs a Retry", () => {
  const v = judge({ kind: "resource", value: { a: 1n } }, seen(Outcome.ok(null), { wrote: true, resource: { a: 1n } }));
  assert.match(v.message ?? "", /^Unexpected result-type \(Ok\(data=null\)\), but expected Retry$/);
});

test("FT-22 / FTF-2 expectResource compares the slot without the last-applied annotation", () => {
  const resource = { metadata: { name: "w", annotations: { [LAST_APPLIED_ANNOTATION]: "{}" } }, spec: { x: 1n } };
  const v = judge({ kind: "resource", value: { metadata: { name: "w" }, spec: { x: 1n } } }, seen(Outcome.retry(30, "Creating"), { wrote: true, resource }));
  assert.equal(v.passed, true);
});

test("FTF-2 only the last-applied key goes when other annotations exist", () => {
  const resource = { metadata: { annotations: { [LAST_APPLIED_ANNOTATION]: "{}", team: "a" } } };
  assert.deepEqual(withoutLastApplied(resource), { metadata: { annotations: { team: "a" } } });
});

test("FT-22 after a delete the slot is empty, so every expected key is missing", () => {
  const v = judge({ kind: "resource", value: { spec: {} } }, seen(Outcome.retry(30, "Deleting"), { wrote: true, deleted: true, resource: {} }));
  assert.deepEqual(
    v.differences.map((d) => d.kind),
    ["missing"],
  );
});

test("FT-23 ok passes on any Ok value; kind mismatch renders both sides", () => {
  assert.equal(judge({ kind: "outcome", outcome: { kind: "Ok" } }, seen(Outcome.ok({ x: 1n }))).passed, true);
  assert.equal(judge({ kind: "outcome", outcome: { kind: "Ok" } }, seen(Outcome.skip("s"))).message, "Expected(Ok) Actual(Skip (message=s))");
  assert.equal(judge({ kind: "outcome", outcome: { kind: "Skip", message: "" } }, seen(Outcome.ok({}))).message, "Expected(User Skip) Actual(Ok(data={}))");
});

test("FT-23 messages match as case-insensitive substrings; empty expected matches anything", () => {
  const pf = seen(Outcome.permFail("Missing required input `name`"));
  assert.equal(judge({ kind: "outcome", outcome: { kind: "PermFail", message: "REQUIRED input" } }, pf).passed, true);
  assert.equal(judge({ kind: "outcome", outcome: { kind: "PermFail", message: "" } }, pf).passed, true);
  const bad = judge({ kind: "outcome", outcome: { kind: "PermFail", message: "other" } }, pf);
  assert.equal(bad.message, "PermFail: Expected(message=other) Actual(message=Missing required input `name`)");
  assert.equal(judge({ kind: "outcome", outcome: { kind: "DepSkip", message: "wait" } }, seen(Outcome.depSkip("must WAIT"))).passed, true);
});

test("FT-23 retry: delay 0 matches any delay, otherwise the delay must be equal", () => {
  const r = seen(Outcome.retry(30, "Creating Deployment:prod:web."));
  assert.equal(judge({ kind: "outcome", outcome: { kind: "Retry", message: "creating", delay: 0 } }, r).passed, true);
  assert.equal(judge({ kind: "outcome", outcome: { kind: "Retry", message: "creating", delay: 30 } }, r).passed, true);
  assert.equal(
    judge({ kind: "outcome", outcome: { kind: "Retry", message: "creating", delay: 10 } }, r).message,
    "Retry: Expected(message=creating, delay=10) Actual(message=Creating Deployment:prod:web., delay=30)",
  );
});

test("FT-24 expectDelete compares whether delete was called", () => {
  assert.equal(judge({ kind: "delete", value: true }, seen(Outcome.retry(30), { wrote: true, deleted: true })).passed, true);
  assert.equal(judge({ kind: "delete", value: true }, seen(Outcome.ok(null))).message, "Delete not called.");
  assert.equal(judge({ kind: "delete", value: false }, seen(Outcome.retry(30, "Creating"), { wrote: true })).passed, true);
  assert.equal(judge({ kind: "delete", value: false }, seen(Outcome.retry(30), { wrote: true, deleted: true })).message, "Delete called");
});
