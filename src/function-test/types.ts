/**
 * Shapes shared by FunctionTest prepare, run and the reporters. Run code imports
 * only these types from prepare code.
 */
import type { CompiledOverlay } from "../expressions/index.ts";
import type { Outcome } from "../outcome/index.ts";
import type { Value, ValueMap } from "../value/index.ts";
import type { Difference } from "./compare.ts";

export type FunctionKind = "ValueFunction" | "ResourceFunction";

/** FT-2 `expectOutcome`: exactly one member; `message`/`delay` as written. */
export type ExpectedOutcome =
  | { readonly kind: "Ok" }
  | { readonly kind: "Skip" | "DepSkip" | "PermFail"; readonly message: string }
  | { readonly kind: "Retry"; readonly message: string; readonly delay: number };

/** FT-5: each case carries exactly one assertion. */
export type Expectation =
  | { readonly kind: "resource"; readonly value: ValueMap }
  | { readonly kind: "return"; readonly value: ValueMap }
  | { readonly kind: "outcome"; readonly outcome: ExpectedOutcome }
  | { readonly kind: "delete"; readonly value: boolean };

export interface PreparedTestCase {
  /** 0-based position in `spec.testCases`. */
  readonly index: number;
  /** FT-4 decorated label. */
  readonly label: string;
  readonly variant: boolean;
  readonly skip: boolean;
  readonly inputOverrides: ValueMap | undefined;
  /** FT-12: a non-empty `currentResource` (an empty one counts as absent). */
  readonly currentResource: ValueMap | undefined;
  readonly overlayResource: CompiledOverlay | undefined;
  readonly expectation: Expectation;
}

export interface PreparedFunctionTest {
  readonly kind: "FunctionTest";
  readonly name: string;
  readonly functionRef: { readonly kind: FunctionKind; readonly name: string };
  /** FT-8: absent or `{}` means no base inputs. */
  readonly inputs: ValueMap | undefined;
  readonly currentResource: ValueMap | undefined;
  readonly cases: readonly PreparedTestCase[];
}

export interface CaseResult {
  readonly label: string;
  readonly passed: boolean;
  /** `skip: true` (FT-16): counts as passed. */
  readonly skipped: boolean;
  readonly message: string | null;
  /** The case's assertion in words, e.g. `expectOutcome retry (message=Creating, delay=30)`; absent when skipped. */
  readonly expectation?: string;
  /** FT-20 differences of a failed expectResource/expectReturn. */
  readonly differences: readonly Difference[];
  /** The function's outcome, when it ran. */
  readonly outcome?: Outcome;
  /** The compared actual value (the resource, or the return value), when there was one. */
  readonly actual?: Value;
}

export interface FunctionTestResult {
  readonly name: string;
  readonly passed: boolean;
  /** FT-30: a definition error or a non-runnable test; no case ran. */
  readonly error: string | null;
  /** Cases run or skipped, in order (FT-17: stops after a failing non-variant case). */
  readonly cases: readonly CaseResult[];
  /** Labels of the cases left unrun after a stop. */
  readonly notRun: readonly string[];
  readonly warnings: readonly string[];
}
