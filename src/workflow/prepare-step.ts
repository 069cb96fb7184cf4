import type { DefinitionLookup } from "../definitions/index.ts";
import { prepareBody, prepareMapBody, type CompiledBody, type Prepared } from "../expressions/index.ts";
import { Outcome } from "../outcome/index.ts";
import { isList, isMap, type Value, type ValueMap } from "../value/index.ts";
import type { LogicTarget, PreparedStep, StepLogic } from "./prepared-workflow.ts";
import { resolveLogic } from "./resolve-logic.ts";
import { stepReferences } from "./step-dependencies.ts";

/** A reason a step cannot run, with the field it concerns (for `koreo validate`). */
export interface StepError {
  readonly outcome: Outcome;
  readonly path: string;
}

export interface StepPreparation {
  /** Absent when any error was found. */
  readonly step?: PreparedStep;
  readonly errors: readonly StepError[];
}

/** Collects errors while compiling the fields of one step. */
class StepContext {
  readonly errors: StepError[] = [];
  constructor(
    readonly label: string,
    readonly path: string,
  ) {}

  fail(outcome: Outcome, field: string): void {
    this.errors.push({ outcome, path: field === "" ? this.path : `${this.path}.${field}` });
  }

  compile(prepared: Prepared<CompiledBody | undefined>, field: string): CompiledBody | undefined {
    if (prepared.ok) return prepared.value;
    this.fail(prepared.outcome, field);
    return undefined;
  }

  resolve(spec: Value | undefined, where: string, field: string, lookup: DefinitionLookup): LogicTarget | undefined {
    const resolved = resolveLogic(spec, where, this.label, lookup);
    if (resolved.ok) return resolved.target;
    this.fail(resolved.outcome, field);
    return undefined;
  }
}

/**
 * Prepares one step (WF-7, WF-8, WF-9, WF-21, WF-23). `earlier` holds the labels listed
 * before it: WF-9 requires every dependency among them, which also rules out cycles.
 */
export function prepareStep(spec: ValueMap, index: number, earlier: ReadonlySet<string>, lookup: DefinitionLookup): StepPreparation {
  const label = String(spec.label);
  const ctx = new StepContext(label, `spec.steps[${index}]`);
  const where = `spec.steps['${label}']`;
  const logic = prepareLogic(spec, where, ctx, lookup);
  const inputs = ctx.compile(prepareMapBody(spec.inputs, `${where}.inputs`), "inputs");
  const skipIf = ctx.compile(prepareBody(spec.skipIf, `${where}.skipIf`), "skipIf");
  const forEach = prepareForEach(spec.forEach, ctx);
  const state = ctx.compile(prepareMapBody(spec.state, `${where}.state`), "state");
  const switchOn = logic?.type === "refSwitch" ? logic.switchOn : undefined;
  const dependencies = [...stepReferences([inputs, skipIf, forEach?.itemIn, switchOn, state])];
  checkOrder(dependencies, earlier, ctx, where);
  if (ctx.errors.length > 0 || logic === undefined) return { errors: ctx.errors };
  const conditionSpec = condition(spec.condition);
  const ordered = [...earlier].filter((l) => dependencies.includes(l));
  const step: PreparedStep = {
    label,
    index,
    dependencies: ordered,
    logic,
    ...(inputs && { inputs }),
    ...(skipIf && { skipIf }),
    ...(forEach && { forEach }),
    ...(conditionSpec && { condition: conditionSpec }),
    ...(state && { state }),
  };
  return { step: Object.freeze(step), errors: [] };
}

function prepareLogic(spec: ValueMap, where: string, ctx: StepContext, lookup: DefinitionLookup): StepLogic | undefined {
  if (spec.refSwitch === undefined) {
    const target = ctx.resolve(spec.ref, where, "ref", lookup);
    return target && { type: "ref", target };
  }
  return prepareRefSwitch(spec.refSwitch, `${where}.refSwitch`, ctx, lookup);
}

/** WF-21: every case must resolve, even ones a run may never pick. */
function prepareRefSwitch(spec: Value, where: string, ctx: StepContext, lookup: DefinitionLookup): StepLogic | undefined {
  const switchSpec = isMap(spec) ? spec : {};
  const cases = isList(switchSpec.cases) ? switchSpec.cases : [];
  const targets = new Map<string, LogicTarget>();
  let defaultCase: LogicTarget | undefined;
  let defaults = 0;
  let unresolved = 0;
  cases.forEach((item, i) => {
    const target = ctx.resolve(item, `${where}.cases[${i}]`, `refSwitch.cases[${i}]`, lookup);
    if (!isMap(item) || target === undefined) {
      unresolved++;
      return;
    }
    targets.set(String(item.case), target);
    if (item.default === true) {
      defaults++;
      defaultCase = target;
    }
  });
  const hasSwitchOn = !isBlank(switchSpec.switchOn);
  if (!hasSwitchOn) ctx.fail(Outcome.permFail(`Missing \`${where}.switchOn\`, can not prepare Workflow.`), "refSwitch.switchOn");
  const switchOn = hasSwitchOn ? ctx.compile(prepareBody(switchSpec.switchOn, `${where}.switchOn`), "refSwitch.switchOn") : undefined;
  if (cases.length === 0) {
    ctx.fail(Outcome.permFail(`Must specify at least one case in \`${where}.cases\`, can not prepare Workflow.`), "refSwitch.cases");
  }
  if (defaults > 1) {
    ctx.fail(Outcome.permFail(`Only one case in \`${where}.cases\` may be default, can not prepare Workflow.`), "refSwitch.cases");
  }
  if (switchOn === undefined || unresolved > 0 || defaults > 1 || cases.length === 0) return undefined;
  return { type: "refSwitch", switchOn, cases: targets, ...(defaultCase && { defaultCase }) };
}

/** WF-23: forEach needs a non-empty itemIn and an inputKey. */
function prepareForEach(spec: Value | undefined, ctx: StepContext): PreparedStep["forEach"] {
  if (spec === undefined || spec === null) return undefined;
  const forEach = isMap(spec) ? spec : {};
  const itemIn = forEach.itemIn;
  if (isBlank(itemIn)) {
    ctx.fail(Outcome.permFail(`Empty \`${ctx.label}.forEach.itemIn\`, can not prepare Workflow.`), "forEach.itemIn");
    return undefined;
  }
  if (typeof forEach.inputKey !== "string" || forEach.inputKey === "") {
    ctx.fail(Outcome.permFail(`Missing \`${ctx.label}.forEach.inputKey\`, can not prepare Workflow.`), "forEach.inputKey");
    return undefined;
  }
  const compiled = ctx.compile(prepareBody(itemIn, `spec.steps['${ctx.label}'].forEach.itemIn`), "forEach.itemIn");
  return compiled && { itemIn: compiled, inputKey: forEach.inputKey };
}

/** WF-9: every step read through `steps.X` must be listed before this one. */
function checkOrder(dependencies: readonly string[], earlier: ReadonlySet<string>, ctx: StepContext, where: string): void {
  const misplaced = dependencies.filter((label) => !earlier.has(label));
  if (misplaced.length === 0) return;
  ctx.fail(Outcome.permFail(`Step '${ctx.label}', must come after ${misplaced.join(", ")}.`, where), "");
}

function condition(spec: Value | undefined): PreparedStep["condition"] {
  if (!isMap(spec) || typeof spec.type !== "string" || typeof spec.name !== "string") return undefined;
  return { type: spec.type, name: spec.name };
}

function isBlank(value: Value | undefined): boolean {
  return value === undefined || value === null || value === "";
}
