/** RT-5: templates are looked up by name on every reconcile, so changes apply at the next one (RT-7). */
import type { DefinitionLookup } from "../../definitions/index.ts";
import { renderOutcome } from "../../outcome/index.ts";
import { Outcome } from "../../outcome/index.ts";
import type { ValueMap } from "../../value/index.ts";
import type { PreparedResourceTemplate } from "../types.ts";

/** RT-5 / RF-44: Retry delay when the template is missing or not ready. */
const TEMPLATE_RETRY_DELAY = 30;

export type TemplateLookup = { readonly ok: true; readonly template: ValueMap } | { readonly ok: false; readonly outcome: Outcome };

export function lookupTemplate(definitions: DefinitionLookup, name: string): TemplateLookup {
  const entry = definitions.get("ResourceTemplate", name);
  if (entry === undefined) return { ok: false, outcome: Outcome.retry(TEMPLATE_RETRY_DELAY, `ResourceTemplate:${name} not found.`) };
  const prepared = entry.prepared;
  if (!prepared.ok) {
    return { ok: false, outcome: Outcome.retry(TEMPLATE_RETRY_DELAY, `ResourceTemplate:${name} is not ready (${renderOutcome(prepared.outcome)})`) };
  }
  if (!isPreparedTemplate(prepared.value)) {
    return { ok: false, outcome: Outcome.retry(TEMPLATE_RETRY_DELAY, `ResourceTemplate:${name} is not ready (not a ResourceTemplate)`) };
  }
  return { ok: true, template: prepared.value.template };
}

function isPreparedTemplate(v: unknown): v is PreparedResourceTemplate {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "ResourceTemplate";
}
