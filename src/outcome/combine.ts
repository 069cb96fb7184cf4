import { toJsonText, type Value } from "../value/index.ts";
import { Outcome, assertNever, type OutcomeKind } from "./outcome.ts";

/** OUT-3: PermFail > Retry > Ok > Skip > DepSkip. */
const PRIORITY: Record<OutcomeKind, number> = { PermFail: 5, Retry: 4, Ok: 3, Skip: 2, DepSkip: 1 };

function joinText(a: string | undefined, b: string | undefined): string | undefined {
  const parts = [a, b].filter((s): s is string => s !== undefined && s !== "");
  return parts.length === 0 ? undefined : parts.join(", ");
}

/** An Ok accumulated by the fold always holds the list of Ok values seen so far. */
function step(acc: Outcome, next: Outcome): Outcome {
  if (next.kind === "Ok" && acc.kind !== "Ok" && PRIORITY[acc.kind] < PRIORITY.Ok) {
    return Outcome.ok([next.value]);
  }
  if (PRIORITY[next.kind] > PRIORITY[acc.kind]) return next;
  if (PRIORITY[next.kind] < PRIORITY[acc.kind]) return acc;
  switch (acc.kind) {
    case "PermFail": {
      const other = next as typeof acc;
      return Outcome.permFail(joinText(acc.message, other.message), joinText(acc.location, other.location));
    }
    case "Retry": {
      const other = next as typeof acc;
      return Outcome.retry(Math.max(acc.delay, other.delay), joinText(acc.message, other.message), joinText(acc.location, other.location));
    }
    case "Ok":
      return Outcome.ok([...(acc.value as Value[]), (next as typeof acc).value]);
    case "Skip":
    case "DepSkip":
      return next; // OUT-4: the later one of the same kind survives.
    default:
      return assertNever(acc);
  }
}

/** OUT-4: fold a list of outcomes; the Ok value is always the list of Ok values. */
export function combineOutcomes(outcomes: readonly Outcome[]): Outcome {
  if (outcomes.length === 0) return Outcome.skip();
  return outcomes.reduce<Outcome>(step, Outcome.depSkip());
}

/** OUT-5: the text form used when an outcome is embedded in another message. */
export function renderOutcome(o: Outcome): string {
  switch (o.kind) {
    case "Ok":
      return `Ok(data=${safeJson(o.value)})`;
    case "Skip":
      return o.message ? `Skip (message=${o.message})` : "User Skip";
    case "DepSkip":
      return o.message ? `Dependency Skip (message=${o.message})` : "Dependency Violation Skip";
    case "Retry":
      return `Retry(delay=${o.delay}, message=${o.message ?? "None"})`;
    case "PermFail":
      return `Permanent Failure (message=${o.message ?? "None"})`;
    default:
      return assertNever(o);
  }
}

function safeJson(v: Value): string {
  try {
    return toJsonText(v);
  } catch {
    return String(v);
  }
}
