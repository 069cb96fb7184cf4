/**
 * Predicate lists (EXPR-50..53, OUT-6). Each item's `assert` and its outcome
 * payload are compiled separately: every assert is evaluated, but only the
 * payloads of failing items, so an error in a passing item's message is
 * ignored while one in any failing item's message fails the list (OUT-6 step 5).
 */
import { Outcome } from "../outcome/index.ts";
import { isMap, toJsonText, type Value, type ValueMap } from "../value/index.ts";
import { compileValue, type InternalBody } from "./body.ts";
import { evaluationError, outcomeError, permFail } from "./errors.ts";
import { pythonBool, pythonFloat } from "./format.ts";
import type { CompiledPredicates, Prepared, Scope } from "./index.ts";

interface Item {
  readonly assert: InternalBody | undefined;
  readonly payload: InternalBody;
}

const OUTCOME_KEYS = ["ok", "depSkip", "skip", "retry", "permFail"] as const;

/** EXPR-53: a message that is not a string is rendered as Python would print it. */
export function messageText(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return pythonFloat(v);
  if (typeof v === "boolean") return pythonBool(v);
  if (v === null) return "None";
  return safeJson(v);
}

function safeJson(v: Value): string {
  try {
    return toJsonText(v);
  } catch {
    return String(v);
  }
}

export class Predicates implements CompiledPredicates {
  constructor(
    readonly location: string,
    readonly references: ReadonlySet<string>,
    private readonly items: readonly Item[],
  ) {}

  evaluate(scope: Scope): Outcome | undefined {
    const failing: Item[] = [];
    for (const item of this.items) {
      const verdict = this.assertion(item, scope);
      if (typeof verdict !== "boolean") return verdict;
      if (!verdict) failing.push(item);
    }
    const payloads: ValueMap[] = [];
    for (const item of failing) {
      const p = item.payload.evaluate(scope);
      if (!p.ok) return p.outcome;
      payloads.push(p.value as ValueMap);
    }
    const first = payloads[0];
    return first === undefined ? undefined : this.decide(first);
  }

  /** EXPR-51: true/false, or the PermFail for an error or a non-boolean. */
  private assertion(item: Item, scope: Scope): boolean | Outcome {
    if (item.assert === undefined) return permFail(evaluationError(this.location, "", "predicate without `assert`"), this.location);
    const r = item.assert.evaluate(scope);
    if (!r.ok) return r.outcome;
    if (typeof r.value === "boolean") return r.value;
    return permFail(evaluationError(this.location, "", `\`assert\` must be a boolean, got ${safeJson(r.value)}`), this.location);
  }

  /** EXPR-52: the first failing item decides. */
  private decide(payload: ValueMap): Outcome | undefined {
    const loc = this.location;
    const key = OUTCOME_KEYS.find((k) => isMap(payload[k]));
    const body = key === undefined ? undefined : (payload[key] as ValueMap);
    const unknown = (): Outcome => permFail(`Unknown predicate type: ${safeJson({ assert: false, ...payload })}`, loc);
    if (key === "ok") return undefined;
    if (key === undefined || body === undefined || !("message" in body)) return unknown();
    const message = messageText(body.message as Value);
    switch (key) {
      case "depSkip":
        return Outcome.depSkip(message, loc);
      case "skip":
        return Outcome.skip(message, loc);
      case "permFail":
        return Outcome.permFail(message, loc);
      case "retry":
        return "delay" in body ? retry(body.delay as Value, message, loc) : unknown();
    }
  }
}

/** EXPR-52/73: `delay` is an int or a string of decimal digits. */
function retry(delay: Value, message: string, location: string): Outcome {
  if (typeof delay === "bigint") return Outcome.retry(Number(delay), message, location);
  if (typeof delay === "string" && /^[0-9]+$/.test(delay)) return Outcome.retry(Number(delay), message, location);
  return permFail(outcomeError(location, `retry delay must be an integer, got ${safeJson(delay)}`), location);
}

export function compilePredicates(spec: Value[], location: string): Prepared<CompiledPredicates> {
  const items: Item[] = [];
  const references = new Set<string>();
  for (const entry of spec) {
    const map: ValueMap = isMap(entry) ? entry : {};
    const { assert, ...rest } = map;
    const assertBody = assert === undefined ? undefined : compileValue(assert, location);
    const payload = compileValue(rest, location);
    if (assertBody !== undefined && !assertBody.ok) return assertBody;
    if (!payload.ok) return payload;
    for (const r of [...(assertBody?.value.references ?? []), ...payload.value.references]) references.add(r);
    items.push({ assert: assertBody?.value, payload: payload.value });
  }
  return { ok: true, value: new Predicates(location, references, items) };
}
