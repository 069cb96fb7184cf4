/** Prepares a ResourceTemplate (RT-1..3, VAL-7). Template content is static: nothing is compiled (RT-2). */
import type { Definition, PrepareOutcome, Preparer } from "../../definitions/index.ts";
import { cloneValue, isMap } from "../../value/index.ts";
import { fail, renderField, specOf } from "../prepare-support.ts";
import type { PreparedResourceTemplate } from "../types.ts";

export const prepareResourceTemplate: Preparer<PreparedResourceTemplate> = (definition) => prepare(definition);

function prepare(definition: Definition): PrepareOutcome<PreparedResourceTemplate> {
  const checked = specOf(definition);
  if (!checked.ok) return checked.failure;
  const { template, context } = checked.spec;
  const apiVersion = isMap(template) ? template.apiVersion : undefined;
  const kind = isMap(template) ? template.kind : undefined;
  if (!isMap(template) || !apiVersion || !kind) {
    return fail(
      definition,
      "spec.template",
      `ResourceTemplate '${definition.name}' \`apiVersion\` and \`kind\` must be set within \`spec.template\` ` +
        `(apiVersion: '${renderField(apiVersion)}', kind: '${renderField(kind)}')`,
    );
  }
  if (context !== undefined && context !== null && !isMap(context)) {
    return fail(definition, "spec.context", "object spec.context must be object");
  }
  // Frozen copy: every reconcile merges onto it without copying it first (RT-6).
  const value: PreparedResourceTemplate = Object.freeze({ kind: "ResourceTemplate", name: definition.name, template: cloneValue(template) });
  return { ok: true, value, dependsOn: [] };
}

declare module "../../definitions/index.ts" {
  /** The registry holds a PreparedResourceTemplate for every ResourceTemplate (typed lookups, no casts). */
  interface PreparedKinds {
    ResourceTemplate: PreparedResourceTemplate;
  }
}
