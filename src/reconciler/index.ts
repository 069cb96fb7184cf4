/**
 * One reconcile request end to end: gate → run → decide → timer → record; sweep, events, definition sync.
 * May import: cluster, config, definitions, logic, outcome, ports, queue, timers, value, workflow.
 */
export { changeHash } from "./change-hash.ts";
export { decide } from "./decide.ts";
export { driftOf, LAST_APPLIED_ANNOTATION, type FieldDrift } from "./drift.ts";
export { createDefinitionsSync, type DefinitionsSync } from "./definitions-sync.ts";
export type { RunReconcile } from "./engine-port.ts";
export { createRequestReconciler, type RequestReconciler } from "./reconcile-request.ts";
export { sweep } from "./sweep.ts";
