/**
 * A Koreo program: every preparer wired into one registry, loaded from files, rendered over passes.
 * May import: cluster (port), definitions, function-test, logic, ports, value, workflow.
 */
/**
 * @module program — the composition of every Koreo preparer into one registry, and
 * loading a program from files. Imports: definitions, logic, workflow, function-test.
 */
export { createKoreoRegistry, KOREO_PREPARERS, type KoreoRegistryOptions } from "./registry.ts";
export { loadProgram, type LoadedProgram } from "./load-program.ts";
export { renderPasses, type InspectableCluster, type RenderOptions, type RenderPass } from "./render-passes.ts";
