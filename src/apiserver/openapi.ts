/**
 * OpenAPI v3 documents, just enough for kubectl: it validates `apply` by finding,
 * for the object's GVK, a path whose `patch` operation carries
 * `x-kubernetes-group-version-kind` and a `fieldValidation` parameter. Seeing
 * that parameter, kubectl leaves validation to the server (fieldValidation=Strict).
 * The `hash` in each URL changes with the registry so kubectl's cache follows CRDs.
 *
 * A patch operation's request body lists patch types, and kubectl's `apply` builds
 * a strategic merge patch from this document whenever that type is listed. So it
 * is never listed: custom resources refuse it (kubectl then sends a JSON merge
 * patch, as with a real cluster), and for built-in kinds, whose schemas here lack
 * the patch metadata, kubectl computes it from its own compiled-in types instead
 * (the server still accepts it). A CRD's own schema, and for built-in kinds the
 * minimal one in builtin-schemas.ts, is published so `kubectl explain` can walk it.
 */
import { createHash } from "node:crypto";
import { isObject, type JsonObject } from "./json.ts";
import type { ResourceRegistry } from "./registry.ts";
import type { ResourceType } from "./resource-type.ts";

function gvPath(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

function schemaName(t: ResourceType): string {
  const reversed = t.group === "" ? "io.k8s.api.core" : t.group.split(".").reverse().join(".");
  return `${reversed}.${t.version}.${t.kind}`;
}

const PARAM_NAMES = ["dryRun", "fieldManager", "fieldValidation", "force"];

const PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];

function itemPath(t: ResourceType): JsonObject {
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  const ref = { $ref: `#/components/schemas/${schemaName(t)}` };
  const response = { "200": { description: "OK", content: { "application/json": { schema: ref } } } };
  const op = (id: string, body: boolean, contentTypes: string[]): JsonObject => {
    const o: JsonObject = {
      operationId: `${id}${t.kind}`,
      "x-kubernetes-action": id === "read" ? "get" : id,
      "x-kubernetes-group-version-kind": gvk,
      parameters: PARAM_NAMES.map((name) => ({ name, in: "query", schema: { type: name === "force" ? "boolean" : "string" } })),
      responses: response,
    };
    if (body) o["requestBody"] = { content: Object.fromEntries(contentTypes.map((c) => [c, { schema: { type: "object" } }])) };
    return o;
  };
  return {
    get: op("read", false, []),
    put: op("replace", true, ["application/json"]),
    patch: op("patch", true, PATCH_TYPES),
    delete: op("delete", false, []),
    parameters: [
      { name: "name", in: "path", required: true, schema: { type: "string" } },
      ...(t.namespaced ? [{ name: "namespace", in: "path", required: true, schema: { type: "string" } }] : []),
    ],
  };
}

/** The descriptions kube-apiserver gives the fields every object has. */
const COMMON_PROPERTIES: JsonObject = {
  apiVersion: {
    type: "string",
    description:
      "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.",
  },
  kind: {
    type: "string",
    description:
      "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.",
  },
  metadata: { type: "object", description: "Standard object's metadata.", "x-kubernetes-preserve-unknown-fields": true },
};

function kindSchema(t: ResourceType): JsonObject {
  const gvk = [{ group: t.group, version: t.version, kind: t.kind }];
  if (t.schema === undefined)
    return { type: "object", "x-kubernetes-preserve-unknown-fields": true, "x-kubernetes-group-version-kind": gvk, properties: COMMON_PROPERTIES };
  const own = t.schema["properties"];
  return { ...t.schema, type: "object", "x-kubernetes-group-version-kind": gvk, properties: { ...(isObject(own) ? own : {}), ...COMMON_PROPERTIES } };
}

export function groupVersionDocument(registry: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const paths: JsonObject = {};
  const schemas: JsonObject = {};
  for (const t of types) {
    const base = `/${gvPath(group, version)}${t.namespaced ? "/namespaces/{namespace}" : ""}/${t.plural}`;
    paths[`${base}/{name}`] = itemPath(t);
    schemas[schemaName(t)] = kindSchema(t);
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.32.0-koreo" }, paths, components: { schemas } };
}

export function rootDocument(registry: ResourceRegistry): JsonObject {
  const paths: JsonObject = {};
  const gvs = new Set(registry.all().map((t) => `${t.group}|${t.version}`));
  for (const gv of gvs) {
    const [group, version] = gv.split("|") as [string, string];
    const doc = groupVersionDocument(registry, group, version);
    const hash = createHash("sha256").update(JSON.stringify(doc)).digest("hex").slice(0, 32).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}
