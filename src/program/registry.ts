import type { Preparers } from "../definitions/index.ts";
import { createRegistry, type Registry } from "../definitions/index.ts";
import { prepareFunctionTest } from "../function-test/index.ts";
import { prepareResourceFunction, prepareResourceTemplate, prepareValueFunction } from "../logic/index.ts";
import { prepareWorkflow } from "../workflow/index.ts";

/** Every Koreo kind's preparer. */
export const KOREO_PREPARERS: Preparers = Object.freeze({
  ValueFunction: prepareValueFunction,
  ResourceFunction: prepareResourceFunction,
  ResourceTemplate: prepareResourceTemplate,
  Workflow: prepareWorkflow,
  FunctionTest: prepareFunctionTest,
});

export interface KoreoRegistryOptions {
  /** CTL-2 priority list of definition namespaces. */
  readonly namespaces?: readonly string[];
}

/** The registry a controller, a handler or a CLI command prepares definitions into. */
export function createKoreoRegistry(options: KoreoRegistryOptions = {}): Registry {
  return createRegistry({ preparers: KOREO_PREPARERS, ...(options.namespaces && { namespaces: options.namespaces }) });
}
