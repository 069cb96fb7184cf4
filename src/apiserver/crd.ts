/**
 * CustomResourceDefinitions: accepting one makes its kind servable, with its
 * schema compiled once per version into an admit function (prune unknown
 * fields, apply defaults, validate); deleting it withdraws the kind and its objects.
 */
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { invalid } from "./errors.ts";
import { fieldErrors } from "./schema-errors.ts";
import { clone, isObject, meta, str, type Json, type JsonObject } from "./json.ts";
import { timestamp } from "./metadata.ts";
import type { KindHooks, ObjectService } from "./objects.ts";
import type { ResourceRegistry } from "./registry.ts";
import { resourceKey, type AdmitResult, type PrinterColumn, type ResourceType, type ScaleSubresource } from "./resource-type.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function newAjv(): Ajv {
  // verbose: errors carry the offending value, which kube-apiserver's messages quote.
  const ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true, logger: false, verbose: true });
  addFormats(ajv);
  for (const f of ["int32", "int64", "float", "double", "byte", "binary", "password", "quantity"]) ajv.addFormat(f, true);
  return ajv;
}

/** Walks value and schema together, deleting fields the schema does not declare. */
function prune(value: Json, schema: JsonObject, path: string, dropped: string[]): void {
  if (schema["x-kubernetes-preserve-unknown-fields"] === true) return;
  if (Array.isArray(value)) {
    if (isObject(schema["items"])) value.forEach((v, i) => prune(v, schema["items"] as JsonObject, `${path}[${i}]`, dropped));
    return;
  }
  if (!isObject(value)) return;
  const props = isObject(schema["properties"]) ? schema["properties"] : undefined;
  const additional = schema["additionalProperties"];
  for (const key of Object.keys(value)) {
    const child = props?.[key];
    const childPath = path === "" ? key : `${path}.${key}`;
    if (isObject(child)) prune(value[key]!, child, childPath, dropped);
    else if (isObject(additional)) prune(value[key]!, additional, childPath, dropped);
    else if (additional !== true) {
      delete value[key];
      dropped.push(childPath);
    }
  }
}

/** apiVersion, kind and metadata are always allowed, whatever the CRD schema says. */
function rootSchema(schema: JsonObject): JsonObject {
  const props = isObject(schema["properties"]) ? schema["properties"] : {};
  return {
    ...schema,
    type: "object",
    properties: {
      ...props,
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    },
  };
}

function compileAdmit(ajv: Ajv, schema: JsonObject | undefined): ResourceType["admit"] {
  if (schema === undefined) return undefined;
  const root = rootSchema(schema);
  const validate: ValidateFunction = ajv.compile(root);
  return (object: JsonObject): AdmitResult => {
    const copy = clone(object);
    const dropped: string[] = [];
    const { metadata, ...rest } = copy;
    prune(rest, root, "", dropped);
    const result: JsonObject = { ...rest, metadata: metadata ?? {} };
    const ok = validate(result);
    const errors = ok ? [] : fieldErrors(validate.errors ?? []);
    return { object: result, unknownFields: dropped, errors };
  };
}

interface CrdNames {
  kind: string;
  plural: string;
  singular: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
}

function strings(v: Json | undefined): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

function namesOf(spec: JsonObject): CrdNames {
  const n = isObject(spec["names"]) ? spec["names"] : {};
  const kind = str(n["kind"]) ?? "";
  const shortNames = strings(n["shortNames"]);
  return {
    kind,
    plural: str(n["plural"]) ?? "",
    singular: str(n["singular"]) ?? kind.toLowerCase(),
    listKind: str(n["listKind"]) ?? `${kind}List`,
    shortNames,
    categories: strings(n["categories"]),
  };
}

function validateCrd(crd: JsonObject): void {
  const name = str(meta(crd)["name"]) ?? "";
  const spec = isObject(crd["spec"]) ? crd["spec"] : {};
  const names = namesOf(spec);
  const group = str(spec["group"]) ?? "";
  const causes: { field: string; message: string }[] = [];
  if (group === "") causes.push({ field: "spec.group", message: "Required value" });
  if (names.kind === "") causes.push({ field: "spec.names.kind", message: "Required value" });
  if (names.plural === "") causes.push({ field: "spec.names.plural", message: "Required value" });
  if (name !== `${names.plural}.${group}`)
    causes.push({ field: "metadata.name", message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group` });
  const scope = spec["scope"];
  if (scope !== "Namespaced" && scope !== "Cluster") causes.push({ field: "spec.scope", message: 'Unsupported value: must be "Namespaced" or "Cluster"' });
  const versions = Array.isArray(spec["versions"]) ? spec["versions"].filter(isObject) : [];
  if (versions.length === 0) causes.push({ field: "spec.versions", message: "Required value: must have exactly one version marked as storage version" });
  if (versions.filter((v) => v["storage"] === true).length !== 1)
    causes.push({ field: "spec.versions", message: "Invalid value: must have exactly one version marked as storage version" });
  if (causes.length > 0) throw invalid("CustomResourceDefinition.apiextensions.k8s.io", name, causes);
}

function printerColumns(version: JsonObject): PrinterColumn[] {
  const columns = Array.isArray(version["additionalPrinterColumns"]) ? version["additionalPrinterColumns"].filter(isObject) : [];
  return columns.map((c) => {
    const format = str(c["format"]);
    const description = str(c["description"]);
    return {
      name: str(c["name"]) ?? "",
      type: str(c["type"]) ?? "string",
      jsonPath: str(c["jsonPath"]) ?? "",
      priority: typeof c["priority"] === "number" ? c["priority"] : 0,
      ...(format === undefined ? {} : { format }),
      ...(description === undefined ? {} : { description }),
    };
  });
}

function scaleOf(value: Json | undefined): { scale?: ScaleSubresource } {
  if (!isObject(value)) return {};
  const labelSelectorPath = str(value["labelSelectorPath"]);
  return {
    scale: {
      specReplicasPath: str(value["specReplicasPath"]) ?? ".spec.replicas",
      statusReplicasPath: str(value["statusReplicasPath"]) ?? ".status.replicas",
      ...(labelSelectorPath === undefined ? {} : { labelSelectorPath }),
    },
  };
}

/** The types a CRD serves: storage version first so discovery prefers it. */
export function typesOf(crd: JsonObject, ajv: Ajv = newAjv()): ResourceType[] {
  const spec = isObject(crd["spec"]) ? crd["spec"] : {};
  const names = namesOf(spec);
  const group = str(spec["group"]) ?? "";
  const versions = (Array.isArray(spec["versions"]) ? spec["versions"].filter(isObject) : []).filter((v) => v["served"] !== false);
  versions.sort((a, b) => Number(b["storage"] === true) - Number(a["storage"] === true));
  return versions.map((v) => {
    const schemaHolder = isObject(v["schema"]) ? v["schema"] : {};
    const schema = isObject(schemaHolder["openAPIV3Schema"]) ? schemaHolder["openAPIV3Schema"] : undefined;
    const subresources = isObject(v["subresources"]) ? v["subresources"] : {};
    const t: ResourceType = {
      group,
      version: str(v["name"]) ?? "",
      kind: names.kind,
      listKind: names.listKind,
      plural: names.plural,
      singular: names.singular,
      namespaced: spec["scope"] === "Namespaced",
      shortNames: names.shortNames,
      categories: names.categories,
      printerColumns: printerColumns(v),
      statusSubresource: isObject(subresources["status"]),
      ...scaleOf(subresources["scale"]),
      strategicMerge: false,
      crdName: str(meta(crd)["name"]) ?? "",
      ...(schema === undefined ? {} : { admit: compileAdmit(ajv, schema), schema }),
    };
    return t;
  });
}

function establishedStatus(crd: JsonObject, now: Date): JsonObject {
  const spec = isObject(crd["spec"]) ? crd["spec"] : {};
  const names = namesOf(spec);
  const at = timestamp(now);
  const condition = (type: string, reason: string, message: string): JsonObject => ({ type, status: "True", lastTransitionTime: at, reason, message });
  const storedVersions = (Array.isArray(spec["versions"]) ? spec["versions"].filter(isObject) : [])
    .filter((v) => v["storage"] === true)
    .map((v) => str(v["name"]) ?? "");
  return {
    acceptedNames: {
      kind: names.kind,
      listKind: names.listKind,
      plural: names.plural,
      singular: names.singular,
      ...(names.shortNames.length > 0 ? { shortNames: names.shortNames } : {}),
      ...(names.categories.length > 0 ? { categories: names.categories } : {}),
    },
    conditions: [
      condition("NamesAccepted", "NoConflicts", "no conflicts found"),
      condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
    ],
    storedVersions,
  };
}

/**
 * A condition whose status did not change keeps its `lastTransitionTime`, as in
 * kube-apiserver; so re-applying an unchanged CRD is a no-op (no new
 * resourceVersion) and kubectl reports it `unchanged`.
 */
function keepTransitionTimes(status: JsonObject, previous: JsonObject): JsonObject {
  const before = Array.isArray(previous["conditions"]) ? previous["conditions"].filter(isObject) : [];
  if (!Array.isArray(status["conditions"])) return status;
  const conditions = status["conditions"].filter(isObject).map((c) => {
    const old = before.find((b) => b["type"] === c["type"] && b["status"] === c["status"]);
    return old !== undefined && typeof old["lastTransitionTime"] === "string" ? { ...c, lastTransitionTime: old["lastTransitionTime"] } : c;
  });
  return { ...status, conditions };
}

function compileTypes(crd: JsonObject, ajv: Ajv): ResourceType[] {
  try {
    return typesOf(crd, ajv);
  } catch (e) {
    const name = str(meta(crd)["name"]) ?? "";
    throw invalid("CustomResourceDefinition.apiextensions.k8s.io", name, [{ field: "spec.versions[].schema.openAPIV3Schema", message: (e as Error).message }]);
  }
}

/** Keeps the registry in step with stored CRDs. */
export function crdHooks(registry: ResourceRegistry, objects: ObjectService, clock: () => Date = () => new Date()): KindHooks {
  const ajv = newAjv();
  // Schemas are compiled once, when the CRD is admitted; committing reuses them.
  const compiled = new Map<string, ResourceType[]>();
  return {
    prepare(obj, old) {
      validateCrd(obj);
      if (old !== undefined) {
        const before = isObject(old["spec"]) ? old["spec"] : {};
        const after = isObject(obj["spec"]) ? obj["spec"] : {};
        if (before["group"] !== after["group"])
          throw invalid("CustomResourceDefinition.apiextensions.k8s.io", str(meta(obj)["name"]) ?? "", [
            { field: "spec.group", message: "field is immutable" },
          ]);
      }
      obj["status"] =
        old !== undefined && isObject(old["status"])
          ? { ...old["status"], ...keepTransitionTimes(establishedStatus(obj, clock()), old["status"]) }
          : establishedStatus(obj, clock());
      compiled.set(str(meta(obj)["name"]) ?? "", compileTypes(obj, ajv));
    },
    committed(obj) {
      const name = str(meta(obj)["name"]) ?? "";
      const types = compiled.get(name) ?? compileTypes(obj, ajv);
      compiled.delete(name);
      registry.removeCrd(name);
      for (const t of types) registry.add(t);
    },
    removed(obj) {
      const name = str(meta(obj)["name"]) ?? "";
      const types = registry.removeCrd(name);
      const first = types[0];
      if (first === undefined) return;
      for (const o of objects.store.list(resourceKey(first))) objects.remove(resourceKey(first), o);
    },
  };
}
