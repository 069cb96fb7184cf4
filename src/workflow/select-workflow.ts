import { metadataOf } from "../cluster/index.ts";
import type { KubeObject } from "../cluster/index.ts";
import type { RegistryEntry } from "../definitions/index.ts";
import { isMap } from "../value/index.ts";
import { workflowsForKey, type WorkflowCatalog } from "./catalog.ts";
import { kindKey } from "./crd-ref.ts";
import type { PreparedWorkflow } from "./prepared-workflow.ts";

export const WORKFLOW_ANNOTATION = "koreo.dev/workflow";

export type Selection =
  | { readonly ok: true; readonly name: string; readonly entry: RegistryEntry<PreparedWorkflow>; readonly workflow: PreparedWorkflow }
  | { readonly ok: false; readonly name?: string; readonly reason: string; readonly message: string };

/** CTL-9: the annotation-named Workflow, else the only one bound to the trigger's kind (ST-12 texts). */
export function selectWorkflow(trigger: KubeObject, catalog: WorkflowCatalog): Selection {
  const key = kindKey({ apiVersion: String(trigger.apiVersion), kind: String(trigger.kind) });
  const requested = requestedWorkflow(trigger);
  if (requested !== undefined) {
    const entry = catalog.get("Workflow", requested);
    if (entry === undefined) {
      return fail("NoWorkflow", `Failed to find User Requested Workflow (${requested}) for \`${key}\``, requested);
    }
    return ready(requested, entry, "User-specified Workflow");
  }
  const names = workflowsForKey(catalog, key);
  const [only] = names;
  if (only === undefined) return fail("NoWorkflow", `Failed to find Workflow for \`${key}\``);
  if (names.length > 1) return fail("MultipleWorkflows", `Multiple Workflows attempted to run (${names.join(",")})`);
  const entry = catalog.get("Workflow", only);
  if (entry === undefined) return fail("WorkflowNotInCache", `Could not load Workflow \`${only}\`.`, only);
  return ready(only, entry, "Workflow");
}

function ready(name: string, entry: RegistryEntry<PreparedWorkflow>, label: string): Selection {
  if (!entry.prepared.ok) {
    return fail("WorkflowNotReady", `${label} \`${name}\` not ready ${entry.prepared.outcome.message ?? "None"}.`, name);
  }
  return { ok: true, name, entry, workflow: entry.prepared.value };
}

function fail(reason: string, message: string, name?: string): Selection {
  return { ok: false, reason, message, ...(name !== undefined && { name }) };
}

function requestedWorkflow(trigger: KubeObject): string | undefined {
  const metadata = metadataOf(trigger);
  const annotations = isMap(metadata.annotations) ? metadata.annotations : {};
  const name = annotations[WORKFLOW_ANNOTATION];
  return typeof name === "string" && name !== "" ? name : undefined;
}
