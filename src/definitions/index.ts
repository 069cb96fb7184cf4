/**
 * Koreo documents: YAML loading with positions, CRD-schema validation, lint, problems, the registry of prepared definitions.
 * May import: cluster (port), outcome, value.
 */
/**
 * @module definitions — loading Koreo documents (files or cluster objects), validating
 * them against our CRDs (one source of truth), and the registry of prepared definitions.
 */
export * from "./definition.ts";
export { loadText, type LoadResult } from "./load.ts";
export { loadPaths, readYamlFile, yamlValues, IGNORE_FILE, type PathsLoadResult, type YamlFile } from "./load-files.ts";
export { closestName, didYouMean } from "./suggest.ts";
export { definitionFromObject } from "./document.ts";
export { formatProblem, problem, definitionProblem } from "./problem.ts";
export { validateSpec, prepareLocation, type SpecValidation } from "./schema.ts";
export { validateDefinition, checkApiConfig, checkUpdate, checkTemplate, semanticProblems } from "./rules.ts";
export { createRegistry, type Registry, type RegistryOptions } from "./registry.ts";
export { loadRegistry, type LoadedRegistry } from "./load-registry.ts";
export { LIMITS } from "./limits.ts";
export { lintDefinition, activeLabel } from "./lint.ts";
export { readSpecSchema } from "./crd-files.ts";
