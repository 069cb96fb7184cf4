/**
 * Koreo expressions on CEL: compile once, evaluate many, bounded.
 * May import: outcome, value.
 */
/**
 * @module expressions — Koreo expressions on CEL (expressions.md).
 *
 * CONTRACT (other subsystems code against these names and types; the
 * implementation lives in sibling files and may grow, but these signatures stay):
 *
 * - Preparation compiles once and returns a value, never throws.
 *   `ok: false` carries a PermFail whose message follows EXPR-20/21/23.
 * - Evaluation returns a value, never throws; failures are PermFails per EXPR-70..73.
 * - `location` is the field name used in messages, e.g. `ValueFunction:ns:name:spec.return`.
 */
import type { Outcome, PermFail } from "../outcome/index.ts";
import { isMap, type Value, type ValueMap } from "../value/index.ts";
import { compileValue, isEmptyField } from "./body.ts";
import { MALFORMED_CONDITIONS, malformedMapping, permFail } from "./errors.ts";
import { celSource, isExpressionText } from "./literal.ts";
import { compileOverlay } from "./overlay.ts";
import { compilePredicates } from "./predicates.ts";

/** Variables bound for one evaluation (`inputs`, `locals`, `resource`, `parent`, `steps`, …). */
export type Scope = Readonly<Record<string, Value>>;

export type Prepared<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: PermFail };
export type Evaluated<T = Value> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: PermFail };

/** A compiled field: one expression, a literal, or a structure mixing both. */
export interface CompiledBody {
  readonly location: string;
  /** Dotted paths read by the body (EXPR-55..58), e.g. `steps.a`, `steps.a.b`, `inputs.x`. */
  readonly references: ReadonlySet<string>;
  evaluate(scope: Scope): Evaluated;
}

/** An overlay body (EXPR-41 / BODY-3): evaluated leaves written into a copy of a base map. */
export interface CompiledOverlay {
  readonly location: string;
  readonly references: ReadonlySet<string>;
  /** `resource` is bound to `base` while evaluating the leaves (EXPR-41 step 2). */
  apply(base: ValueMap, scope: Scope): Evaluated<ValueMap>;
}

/** A predicate list (EXPR-50..53, OUT-6). */
export interface CompiledPredicates {
  readonly location: string;
  readonly references: ReadonlySet<string>;
  /** `undefined` means "no outcome, continue". */
  evaluate(scope: Scope): Outcome | undefined;
}

/** EXPR-1: a string is an expression iff its first character is `=`. */
export function isExpression(value: Value | undefined): value is string {
  return isExpressionText(value);
}

/** EXPR-4: `undefined` when the top-level value is empty (no program). */
export function prepareBody(spec: Value | undefined, location: string): Prepared<CompiledBody | undefined> {
  if (spec === undefined || isEmptyField(spec)) return { ok: true, value: undefined };
  return compileValue(spec, location);
}

/** As prepareBody, but a non-empty non-map fails with `Malformed <location>, expected a mapping` (EXPR-21). */
export function prepareMapBody(spec: Value | undefined, location: string): Prepared<CompiledBody | undefined> {
  if (spec === undefined || isEmptyField(spec)) return { ok: true, value: undefined };
  if (!isMap(spec)) return { ok: false, outcome: permFail(malformedMapping(location), location) };
  return compileValue(spec, location);
}

/** EXPR-41/42: an overlay field, evaluated leaf by leaf onto a copy of its base. */
export function prepareOverlay(spec: Value | undefined, location: string): Prepared<CompiledOverlay | undefined> {
  if (spec === undefined || isEmptyField(spec)) return { ok: true, value: undefined };
  if (!isMap(spec)) return { ok: false, outcome: permFail(malformedMapping(location), location) };
  return compileOverlay(spec, location);
}

/** EXPR-50..53, OUT-6: a predicate list, where the first false `assert` decides the outcome. */
export function preparePredicates(spec: Value | undefined, location: string): Prepared<CompiledPredicates | undefined> {
  if (spec === undefined || isEmptyField(spec)) return { ok: true, value: undefined };
  if (!Array.isArray(spec)) return { ok: false, outcome: permFail(MALFORMED_CONDITIONS, location) };
  return compilePredicates(spec, location);
}

/** One-off compile+evaluate, for `koreo eval` and tests. The leading `=` is optional. */
export function evaluateSource(source: string, scope: Scope, location = "<expression>"): Evaluated {
  const compiled = compileValue(`=${celSource(source)}`, location);
  if (!compiled.ok) return compiled;
  return compiled.value.evaluate(scope);
}

export { configureLimits, DEFAULT_LIMITS, type ExpressionLimits } from "./limits.ts";
export { resolveFunctionRef, type FunctionRef } from "./function-ref.ts";
