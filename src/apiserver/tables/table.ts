/**
 * Server-side printing: when a client asks for `as=Table` (kubectl get does),
 * lists, single objects and watch events come back as a meta.k8s.io Table whose
 * rows carry the cells plus the object (metadata only unless includeObject=Object).
 */
import { meta, type JsonObject } from "../json.ts";
import { isJsonAs, parseAccept } from "../media-types.ts";
import type { ResourceType } from "../resource-type.ts";
import { builtinColumns, NAME_COLUMN, type Column } from "./builtin-columns.ts";
import { customColumns } from "./custom-columns.ts";
import { JOB_COLUMNS, POD_COLUMNS } from "./workload-columns.ts";

/** Kinds whose printers live in workload-columns.ts. */
const WORKLOAD_COLUMNS: Readonly<Record<string, Column[]>> = { Pod: POD_COLUMNS, Job: JOB_COLUMNS };

export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableRequest {
  /** `meta.k8s.io/v1` or `meta.k8s.io/v1beta1`, whichever the client listed first. */
  readonly apiVersion: string;
  readonly includeObject: IncludeObject;
}

/**
 * The Table the Accept header asks for, if any. Clients list Table first and
 * plain JSON as a fallback, so an Accept without a Table entry means plain JSON.
 */
export function tableRequest(accept: string | undefined, includeObject: string | null): TableRequest | undefined {
  // Most requests (client-node, controllers) ask for plain JSON: no `as=Table` to look for.
  if (accept === undefined || !accept.includes("Table")) return undefined;
  const wanted = parseAccept(accept).find((r) => isJsonAs(r, "Table", "meta.k8s.io", "v1") || isJsonAs(r, "Table", "meta.k8s.io", "v1beta1"));
  if (wanted === undefined) return undefined;
  const include = includeObject === "None" || includeObject === "Object" ? includeObject : "Metadata";
  return { apiVersion: `meta.k8s.io/${wanted.params.get("v")}`, includeObject: include };
}

export function columnsFor(type: ResourceType): Column[] {
  const rest = type.crdName !== undefined ? customColumns(type.printerColumns ?? []) : (WORKLOAD_COLUMNS[type.kind] ?? builtinColumns(type.kind));
  return [NAME_COLUMN, ...rest];
}

function rowObject(obj: JsonObject, req: TableRequest): JsonObject | undefined {
  if (req.includeObject === "None") return undefined;
  if (req.includeObject === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: req.apiVersion, metadata: meta(obj) };
}

export function toTable(type: ResourceType, objects: readonly JsonObject[], listMeta: JsonObject, req: TableRequest, now: Date = new Date()): JsonObject {
  const columns = columnsFor(type);
  const rows = objects.map((obj): JsonObject => {
    const row: JsonObject = { cells: columns.map((c) => c.cell(obj, now)) };
    const object = rowObject(obj, req);
    if (object !== undefined) row["object"] = object;
    return row;
  });
  return {
    kind: "Table",
    apiVersion: req.apiVersion,
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({ ...c.definition })),
    rows,
  };
}
