import type { CrdRef } from "./crd-ref.ts";
import type { Problem } from "../definitions/index.ts";
import type { CompiledBody } from "../expressions/index.ts";
import type { PreparedResourceFunction, PreparedValueFunction } from "../logic/index.ts";
import type { Outcome } from "../outcome/index.ts";

/**
 * The frozen result of preparing a Workflow (kro's `graph.Graph`): everything a
 * run needs, with every expression compiled and every Logic reference resolved.
 * Run code imports only these types.
 */
export interface PreparedWorkflow {
  readonly kind: "Workflow";
  readonly name: string;
  /** WF-2: absent when any of the three fields is missing (sub-Workflow only). */
  readonly crdRef?: CrdRef;
  /** Valid steps in declaration order (error steps are only in `stepsReady`/`problems`). */
  readonly steps: readonly PreparedStep[];
  /** Labels in an order where every step comes after its dependencies. */
  readonly topologicalOrder: readonly string[];
  /** WF-10: the OUT-4 combination of every error step; a run evaluates nothing unless Ok. */
  readonly stepsReady: Outcome;
  /** Step errors with field paths (`spec.steps[3].ref`) for `koreo validate`. */
  readonly problems: readonly Problem[];
}

export interface PreparedStep {
  readonly label: string;
  /** Position in `spec.steps`. */
  readonly index: number;
  /** WF-8: labels this step reads through `steps.X`, in declaration order. */
  readonly dependencies: readonly string[];
  readonly logic: StepLogic;
  readonly inputs?: CompiledBody;
  readonly skipIf?: CompiledBody;
  readonly forEach?: { readonly itemIn: CompiledBody; readonly inputKey: string };
  readonly condition?: { readonly type: string; readonly name: string };
  readonly state?: CompiledBody;
}

export type StepLogic =
  | { readonly type: "ref"; readonly target: LogicTarget }
  | {
      readonly type: "refSwitch";
      readonly switchOn: CompiledBody;
      /** WF-21: case value → Logic; a later duplicate case wins. */
      readonly cases: ReadonlyMap<string, LogicTarget>;
      readonly defaultCase?: LogicTarget;
    };

/** A resolved Logic reference (WF-7), captured at prepare time (WF-31 re-prepares on change). */
export type LogicTarget =
  | { readonly kind: "ValueFunction"; readonly name: string; readonly fn: PreparedValueFunction }
  | { readonly kind: "ResourceFunction"; readonly name: string; readonly fn: PreparedResourceFunction }
  | { readonly kind: "Workflow"; readonly name: string; readonly workflow: PreparedWorkflow };
