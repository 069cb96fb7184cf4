/**
 * Rendering an inspected trigger (CLI-2, CLI-14) as indented text or as JSON. Pure.
 * Verbosity (both formats): 0 identity only, 1 + status.conditions, 2 + spec, 3 + whole object.
 */
import { isList, isMap, toPlain, type Value } from "../value/index.ts";
import type { InspectedEntry, InspectedResource } from "./inspect-tree.ts";
import type { ManagedWorkflow } from "./managed-resources.ts";

export interface Colours {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const INDENT = "  ";

export function renderText(root: InspectedResource, verbosity: number, colours: Colours): string {
  return resourceLines(root, verbosity, colours, "").join("\n");
}

function identity(resource: InspectedResource): { namespace?: string; uid?: string } {
  const metadata = isMap(resource.object?.metadata) ? resource.object.metadata : {};
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : resource.ref.namespace;
  const uid = typeof metadata.uid === "string" ? metadata.uid : undefined;
  return { ...(namespace === undefined ? {} : { namespace }), ...(uid === undefined ? {} : { uid }) };
}

function resourceLines(resource: InspectedResource, verbosity: number, c: Colours, indent: string): string[] {
  const { namespace, uid } = identity(resource);
  const where = namespace === undefined ? resource.ref.name : `${namespace}/${resource.ref.name}`;
  const head = `${indent}${c.bold(`${resource.ref.kind}/${where}`)}  apiVersion=${resource.ref.apiVersion}`;
  if (resource.missing) return [`${head}  ${c.red("MISSING")}`];
  if (resource.error !== undefined) return [`${head}  ${c.red(`ERROR: ${resource.error}`)}`];
  const lines = [`${head}  uid=${uid ?? "?"}`, ...detailLines(resource, verbosity, c, indent + INDENT)];
  if (resource.managedError !== undefined) lines.push(`${indent}${INDENT}${c.dim(`managed resources: ${resource.managedError}`)}`);
  if (resource.managed !== undefined) lines.push(...workflowLines(resource.managed, verbosity, c, indent + INDENT));
  return lines;
}

function detailLines(resource: InspectedResource, verbosity: number, c: Colours, indent: string): string[] {
  const object = resource.object ?? {};
  const lines: string[] = [];
  if (verbosity >= 1) lines.push(...conditionLines(conditionsOf(object), c, indent));
  if (verbosity >= 2) lines.push(...jsonLines("spec", object.spec ?? null, indent));
  if (verbosity >= 3) lines.push(...jsonLines("object", object, indent));
  return lines;
}

function conditionsOf(object: Value): Value[] {
  const status = isMap(object) && isMap(object.status) ? object.status : undefined;
  return isList(status?.conditions) ? status.conditions : [];
}

function conditionLines(conditions: readonly Value[], c: Colours, indent: string): string[] {
  if (conditions.length === 0) return [`${indent}conditions: ${c.dim("none")}`];
  return [`${indent}conditions:`, ...conditions.map((condition) => `${indent}${INDENT}${conditionText(condition, c)}`)];
}

function conditionText(condition: Value, c: Colours): string {
  if (!isMap(condition)) return JSON.stringify(toPlain(condition));
  const status = String(condition.status ?? "?");
  const coloured = status === "True" ? c.green(status) : status === "False" ? c.red(status) : status;
  const reason = typeof condition.reason === "string" ? ` ${condition.reason}` : "";
  const message = typeof condition.message === "string" ? `: ${condition.message}` : "";
  return `${String(condition.type ?? "?")}=${coloured}${reason}${message}`;
}

function jsonLines(title: string, value: Value, indent: string): string[] {
  const text = JSON.stringify(toPlain(value), null, 2);
  return [`${indent}${title}:`, ...text.split("\n").map((line) => `${indent}${INDENT}${line}`)];
}

function workflowLines(workflow: ManagedWorkflow<InspectedEntry>, verbosity: number, c: Colours, indent: string): string[] {
  const lines = workflow.workflow === undefined ? [] : [`${indent}Workflow '${workflow.workflow}':`];
  if (workflow.steps.length === 0) lines.push(`${indent}${c.dim("no managed resources recorded")}`);
  for (const step of workflow.steps) lines.push(...stepLines(step.label, step.entry, verbosity, c, indent));
  return lines;
}

/** The reference's headings: `Step '<label>' managed resource:` / `managed resources:` / `(sub-workflow)`. */
function stepLines(label: string, entry: InspectedEntry, verbosity: number, c: Colours, indent: string): string[] {
  const inner = indent + INDENT;
  switch (entry.type) {
    case "resource":
      return [`${indent}Step '${label}' managed resource:`, ...resourceLines(entry.resource, verbosity, c, inner)];
    case "list":
      return [`${indent}Step '${label}' managed resources:`, ...entry.items.flatMap((item, i) => stepItemLines(`${label}[${i}]`, item, verbosity, c, inner))];
    case "workflow":
      return [`${indent}Step '${label}' managed resources (sub-workflow):`, ...workflowLines(entry.workflow, verbosity, c, inner)];
    case "none":
      return [`${indent}${c.dim(`Step '${label}': no managed resource`)}`];
    case "invalid":
      return [`${indent}Step '${label}': ${c.red(`unrecognised entry ${JSON.stringify(toPlain(entry.value))}`)}`];
  }
}

/** forEach items: resources print bare; nested shapes keep a heading with the item's index. */
function stepItemLines(label: string, entry: InspectedEntry, verbosity: number, c: Colours, indent: string): string[] {
  return entry.type === "resource" ? resourceLines(entry.resource, verbosity, c, indent) : stepLines(label, entry, verbosity, c, indent);
}

/** JSON for tooling: the annotation's own shape, with each record replaced by what was found. */
export function renderJson(root: InspectedResource, verbosity: number): unknown {
  return resourceJson(root, verbosity);
}

function resourceJson(resource: InspectedResource, verbosity: number): Record<string, unknown> {
  const { namespace, uid } = identity(resource);
  const out: Record<string, unknown> = { apiVersion: resource.ref.apiVersion, kind: resource.ref.kind, name: resource.ref.name };
  if (namespace !== undefined) out.namespace = namespace;
  if (uid !== undefined) out.uid = uid;
  out.found = !resource.missing && resource.error === undefined;
  out.missing = resource.missing;
  if (resource.error !== undefined) out.error = resource.error;
  const object = resource.object;
  if (object !== undefined && verbosity >= 1) out.conditions = toPlain(conditionsOf(object));
  if (object !== undefined && verbosity >= 2) out.spec = toPlain(object.spec ?? null);
  if (object !== undefined && verbosity >= 3) out.object = toPlain(object);
  if (resource.managedError !== undefined) out.managedError = resource.managedError;
  if (resource.managed !== undefined) out.managed = workflowJson(resource.managed, verbosity);
  return out;
}

function workflowJson(workflow: ManagedWorkflow<InspectedEntry>, verbosity: number): Record<string, unknown> {
  const resources = Object.fromEntries(workflow.steps.map((s) => [s.label, entryJson(s.entry, verbosity)]));
  return workflow.workflow === undefined ? { resources } : { workflow: workflow.workflow, resources };
}

function entryJson(entry: InspectedEntry, verbosity: number): unknown {
  switch (entry.type) {
    case "resource":
      return resourceJson(entry.resource, verbosity);
    case "list":
      return entry.items.map((item) => entryJson(item, verbosity));
    case "workflow":
      return workflowJson(entry.workflow, verbosity);
    case "none":
      return null;
    case "invalid":
      return { invalid: toPlain(entry.value) };
  }
}
