/**
 * Columns for the built-in kinds, following kube-apiserver's printers
 * (pkg/printers/internalversion): same names, order, types and wide-only
 * (priority 1) columns, so `kubectl get` prints what a real cluster prints.
 */
import { isObject, meta, str, stringMap, type Json, type JsonObject } from "../json.ts";
import { ageOf } from "./duration.ts";

export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

export interface Column {
  readonly definition: ColumnDefinition;
  readonly cell: (obj: JsonObject, now: Date) => Json;
}

export function column(name: string, type: string, description: string, cell: Column["cell"], priority = 0, format = ""): Column {
  return { definition: { name, type, format, description, priority }, cell };
}

export const NAME_COLUMN = column(
  "Name",
  "string",
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated.",
  (obj) => str(meta(obj)["name"]) ?? "",
  0,
  "name",
);

export const AGE_COLUMN = column("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created.", (obj, now) =>
  ageOf(meta(obj)["creationTimestamp"], now),
);

function field(obj: JsonObject, part: "spec" | "status" | "involvedObject"): JsonObject {
  const v = obj[part];
  return isObject(v) ? v : {};
}

function count(v: Json | undefined): number {
  if (Array.isArray(v)) return v.length;
  return isObject(v) ? Object.keys(v).length : 0;
}

function int(v: Json | undefined): number {
  return typeof v === "number" ? v : 0;
}

function selectorText(v: Json | undefined): string {
  const pairs = Object.entries(stringMap(v)).map(([k, x]) => `${k}=${x}`);
  return pairs.length === 0 ? "<none>" : pairs.join(",");
}

function servicePorts(spec: JsonObject): string {
  const ports = Array.isArray(spec["ports"]) ? spec["ports"].filter(isObject) : [];
  if (ports.length === 0) return "<none>";
  return ports.map((p) => `${String(p["port"])}${typeof p["nodePort"] === "number" ? `:${p["nodePort"]}` : ""}/${str(p["protocol"]) ?? "TCP"}`).join(",");
}

function externalIps(obj: JsonObject): string {
  const spec = field(obj, "spec");
  const external = Array.isArray(spec["externalIPs"]) ? spec["externalIPs"].filter((s): s is string => typeof s === "string") : [];
  switch (spec["type"]) {
    case "ExternalName":
      return str(spec["externalName"]) ?? "<none>";
    case "LoadBalancer": {
      const lb = field(obj, "status")["loadBalancer"];
      const ingress = isObject(lb) && Array.isArray(lb["ingress"]) ? lb["ingress"].filter(isObject) : [];
      const addresses = [...ingress.map((i) => str(i["ip"]) ?? str(i["hostname"]) ?? ""), ...external].filter((a) => a !== "");
      return addresses.length === 0 ? "<pending>" : addresses.join(",");
    }
    default:
      return external.length === 0 ? "<none>" : external.join(",");
  }
}

function containers(obj: JsonObject): JsonObject[] {
  const template = field(obj, "spec")["template"];
  const podSpec = isObject(template) && isObject(template["spec"]) ? template["spec"] : {};
  return Array.isArray(podSpec["containers"]) ? podSpec["containers"].filter(isObject) : [];
}

/** The pod template's containers and images (Deployments, Jobs), shown in wide output. */
export const TEMPLATE_CONTAINER_COLUMNS: Column[] = [
  column(
    "Containers",
    "string",
    "Names of each container in the template.",
    (o) =>
      containers(o)
        .map((c) => str(c["name"]) ?? "")
        .join(","),
    1,
  ),
  column(
    "Images",
    "string",
    "Images referenced by each container in the template.",
    (o) =>
      containers(o)
        .map((c) => str(c["image"]) ?? "")
        .join(","),
    1,
  ),
];

function matchLabels(obj: JsonObject): string {
  const selector = field(obj, "spec")["selector"];
  return selectorText(isObject(selector) ? selector["matchLabels"] : undefined);
}

/** Built-in kind → columns after NAME. */
const BUILTIN: Record<string, Column[]> = {
  Namespace: [column("Status", "string", "The status of the namespace", (o) => str(field(o, "status")["phase"]) ?? ""), AGE_COLUMN],
  ConfigMap: [column("Data", "string", "Data contains the configuration data.", (o) => count(o["data"]) + count(o["binaryData"])), AGE_COLUMN],
  Secret: [
    column("Type", "string", "The type of the secret", (o) => str(o["type"]) ?? "Opaque"),
    column("Data", "string", "Data contains the secret data.", (o) => count(o["data"])),
    AGE_COLUMN,
  ],
  Event: [
    column("Type", "string", "Type of this event (Normal, Warning).", (o) => str(o["type"]) ?? ""),
    column("Reason", "string", "The reason for the transition into the object's current status.", (o) => str(o["reason"]) ?? ""),
    column(
      "Object",
      "string",
      "The object this event is about.",
      (o) => `${(str(field(o, "involvedObject")["kind"]) ?? "").toLowerCase()}/${str(field(o, "involvedObject")["name"]) ?? ""}`,
    ),
    column("Count", "integer", "The number of times this event has occurred.", (o) => int(o["count"])),
    column("Message", "string", "A human-readable description of the status of this operation.", (o) => str(o["message"]) ?? ""),
  ],
  ServiceAccount: [
    column("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.", (o) =>
      count(o["secrets"]),
    ),
    AGE_COLUMN,
  ],
  Service: [
    column("Type", "string", "The type of the service.", (o) => str(field(o, "spec")["type"]) ?? "ClusterIP"),
    column("Cluster-IP", "string", "The IP address of the service.", (o) => str(field(o, "spec")["clusterIP"]) ?? "<none>"),
    column("External-IP", "string", "The external IP address of the service.", externalIps),
    column("Port(s)", "string", "The ports the service listens on.", (o) => servicePorts(field(o, "spec"))),
    AGE_COLUMN,
    column(
      "Selector",
      "string",
      "Route service traffic to pods with label keys and values matching this selector.",
      (o) => selectorText(field(o, "spec")["selector"]),
      1,
    ),
  ],
  Deployment: [
    column("Ready", "string", "Number of the pod with ready state", (o) => `${int(field(o, "status")["readyReplicas"])}/${int(field(o, "spec")["replicas"])}`),
    column("Up-to-date", "integer", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", (o) =>
      int(field(o, "status")["updatedReplicas"]),
    ),
    column("Available", "integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", (o) =>
      int(field(o, "status")["availableReplicas"]),
    ),
    AGE_COLUMN,
    ...TEMPLATE_CONTAINER_COLUMNS,
    column(
      "Selector",
      "string",
      "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
      matchLabels,
      1,
    ),
  ],
  CustomResourceDefinition: [
    column(
      "Created At",
      "date",
      "CreationTimestamp is a timestamp representing the server time when this object was created.",
      (o) => str(meta(o)["creationTimestamp"]) ?? null,
    ),
  ],
};

export function builtinColumns(kind: string): Column[] {
  return BUILTIN[kind] ?? [AGE_COLUMN];
}
