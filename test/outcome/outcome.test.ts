import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_RETRY_DELAY, Outcome, assertNever, combineOutcomes, renderOutcome } from "../../src/outcome/index.ts";

test("OUT-1 five kinds; Retry defaults to 60 s; Ok may carry null", () => {
  assert.equal(DEFAULT_RETRY_DELAY, 60);
  assert.deepEqual(Outcome.retry(), { kind: "Retry", delay: 60 });
  assert.deepEqual(Outcome.ok(null), { kind: "Ok", value: null });
  assert.deepEqual(Outcome.skip("m", "spec.x"), { kind: "Skip", message: "m", location: "spec.x" });
  assert.deepEqual(Outcome.depSkip(), { kind: "DepSkip" });
  assert.deepEqual(Outcome.permFail("boom"), { kind: "PermFail", message: "boom" });
});

test("OUT-2 Retry/PermFail are errors, Skip/DepSkip are skips, Ok(null) is Ok", () => {
  assert.ok(Outcome.isError(Outcome.retry(5)) && Outcome.isError(Outcome.permFail()));
  assert.ok(!Outcome.isError(Outcome.skip()) && !Outcome.isError(Outcome.ok(1n)));
  assert.ok(Outcome.isSkip(Outcome.skip()) && Outcome.isSkip(Outcome.depSkip()));
  assert.ok(Outcome.isOk(Outcome.ok(null)));
  assert.throws(() => assertNever("x" as never));
});

test("OUT-3 priority PermFail > Retry > Ok > Skip > DepSkip", () => {
  const all = [Outcome.depSkip("d"), Outcome.skip("s"), Outcome.ok(1n), Outcome.retry(5, "r"), Outcome.permFail("p")];
  assert.equal(combineOutcomes(all).kind, "PermFail");
  assert.equal(combineOutcomes(all.slice(0, 4)).kind, "Retry");
  assert.equal(combineOutcomes(all.slice(0, 3)).kind, "Ok");
  assert.equal(combineOutcomes(all.slice(0, 2)).kind, "Skip");
  assert.equal(combineOutcomes(all.slice(0, 1)).kind, "DepSkip");
});

test("OUT-4 PermFails join messages and locations in fold order", () => {
  const out = combineOutcomes([Outcome.permFail("a", "l1"), Outcome.permFail(undefined, "l2"), Outcome.permFail("c")]);
  assert.deepEqual(out, { kind: "PermFail", message: "a, c", location: "l1, l2" });
});

test("OUT-4 Retries keep the maximum delay and join non-empty messages", () => {
  const out = combineOutcomes([Outcome.retry(5, "a"), Outcome.retry(30, ""), Outcome.retry(10, "b")]);
  assert.deepEqual(out, { kind: "Retry", delay: 30, message: "a, b" });
});

test("OUT-4 Ok values become a list, skips contribute nothing, single Ok is still a list", () => {
  assert.deepEqual(combineOutcomes([Outcome.skip(), Outcome.ok(1n), Outcome.depSkip(), Outcome.ok(null)]), Outcome.ok([1n, null]));
  assert.deepEqual(combineOutcomes([Outcome.ok("x")]), Outcome.ok(["x"]));
});

test("OUT-4 Skip beats DepSkip either order; same kind: the later survives; empty list is a bare Skip", () => {
  assert.deepEqual(combineOutcomes([Outcome.skip("s"), Outcome.depSkip("d")]), Outcome.skip("s"));
  assert.deepEqual(combineOutcomes([Outcome.depSkip("d"), Outcome.skip("s")]), Outcome.skip("s"));
  assert.deepEqual(combineOutcomes([Outcome.skip("1"), Outcome.skip("2")]), Outcome.skip("2"));
  assert.deepEqual(combineOutcomes([Outcome.depSkip("1"), Outcome.depSkip("2")]), Outcome.depSkip("2"));
  assert.deepEqual(combineOutcomes([]), Outcome.skip());
});

test("OUT-4 a higher kind survives unchanged", () => {
  const retry = Outcome.retry(7, "r", "loc");
  assert.deepEqual(combineOutcomes([Outcome.ok(1n), retry, Outcome.skip("s")]), retry);
});

test("OUT-5 rendering shapes", () => {
  assert.equal(renderOutcome(Outcome.ok({ a: 1n })), 'Ok(data={"a":1})');
  assert.equal(renderOutcome(Outcome.skip("m")), "Skip (message=m)");
  assert.equal(renderOutcome(Outcome.skip()), "User Skip");
  assert.equal(renderOutcome(Outcome.depSkip("m")), "Dependency Skip (message=m)");
  assert.equal(renderOutcome(Outcome.depSkip()), "Dependency Violation Skip");
  assert.equal(renderOutcome(Outcome.retry(30, "m")), "Retry(delay=30, message=m)");
  assert.equal(renderOutcome(Outcome.retry(30)), "Retry(delay=30, message=None)");
  assert.equal(renderOutcome(Outcome.permFail("m")), "Permanent Failure (message=m)");
  assert.equal(renderOutcome(Outcome.ok(Number.NaN)), "Ok(data=NaN)");
});
