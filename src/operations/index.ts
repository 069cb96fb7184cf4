/**
 * What the cluster-facing CLI commands compute: apply and prune plans, inspect trees, kind resolution.
 * May import: cluster, config, definitions, expressions, ports, program, value, workflow.
 */
export { type ApplyItem, type Change, classifyApply, itemLabel, planApply, predictApply } from "./apply-plan.ts";
export { renderJson, renderText } from "./inspect-render.ts";
export { inspect } from "./inspect-tree.ts";
export { type ResolvedKind, resolveKind } from "./kind-resolution.ts";
export { planPrune, PLURALS, type PruneItem, USAGE_KINDS } from "./prune-plan.ts";
export { placeChanges, readClusterDefinitions, resolvedByCluster } from "./plan-definitions.ts";
export { affectedWorkflows, overlay, type PlanRegistries } from "./plan-overlay.ts";
export { exitStatus, renderPlanJson, renderPlanText } from "./plan-render.ts";
export { runPlan, type TriggerPlan } from "./plan-run.ts";
