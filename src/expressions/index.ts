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
import type { Outcome, PermFail } from "../outcome/outcome.ts";
import type { Value, ValueMap } from "../value/value.ts";

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

export declare function isExpression(value: Value | undefined): value is string;
/** EXPR-4: `undefined` when the top-level value is empty (no program). */
export declare function prepareBody(spec: Value | undefined, location: string): Prepared<CompiledBody | undefined>;
/** As prepareBody, but a non-empty non-map fails with `Malformed <location>, expected a mapping` (EXPR-21). */
export declare function prepareMapBody(spec: Value | undefined, location: string): Prepared<CompiledBody | undefined>;
export declare function prepareOverlay(spec: Value | undefined, location: string): Prepared<CompiledOverlay | undefined>;
export declare function preparePredicates(spec: Value | undefined, location: string): Prepared<CompiledPredicates | undefined>;
/** One-off compile+evaluate, for `koreo eval` and tests. The leading `=` is optional. */
export declare function evaluateSource(source: string, scope: Scope, location?: string): Evaluated;
