/**
 * Legacy (non-aggregated) discovery documents. kubectl asks for aggregated
 * discovery first but falls back when it gets plain JSON, so these are enough.
 */
import type { JsonObject } from "./json.ts";
import type { ResourceRegistry } from "./registry.ts";
import type { ResourceType } from "./resource-type.ts";

export const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
export const SUBRESOURCE_VERBS = ["get", "patch", "update"];
export const SCALE_KIND = { group: "autoscaling", version: "v1", kind: "Scale" };

export function versionInfo(): JsonObject {
  return {
    major: "1",
    minor: "32",
    gitVersion: "v1.32.0-koreo",
    gitCommit: "embedded",
    gitTreeState: "clean",
    buildDate: "2025-01-01T00:00:00Z",
    goVersion: "n/a",
    compiler: "node",
    platform: `${process.platform}/${process.arch}`,
  };
}

export function coreVersions(serverAddress: string): JsonObject {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

function groupDoc(name: string, versions: string[]): JsonObject {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { kind: "APIGroup", apiVersion: "v1", name, versions: list, preferredVersion: list[0]! };
}

export function groupList(registry: ResourceRegistry): JsonObject {
  const groups = [...registry.groups()].sort(([a], [b]) => a.localeCompare(b)).map(([name, versions]) => groupDoc(name, versions));
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

export function group(registry: ResourceRegistry, name: string): JsonObject | undefined {
  const versions = registry.groups().get(name);
  return versions === undefined ? undefined : groupDoc(name, versions);
}

function resourceEntries(t: ResourceType): JsonObject[] {
  const main: JsonObject = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: VERBS };
  if (t.shortNames.length > 0) main["shortNames"] = [...t.shortNames];
  if (t.categories.length > 0) main["categories"] = [...t.categories];
  const entries = [main];
  if (t.statusSubresource) entries.push({ name: `${t.plural}/status`, singularName: "", namespaced: t.namespaced, kind: t.kind, verbs: SUBRESOURCE_VERBS });
  // The scale client finds the Scale kind and its group/version here.
  if (t.scale !== undefined) entries.push({ name: `${t.plural}/scale`, singularName: "", namespaced: t.namespaced, ...SCALE_KIND, verbs: SUBRESOURCE_VERBS });
  return entries;
}

export function resourceList(registry: ResourceRegistry, group: string, version: string): JsonObject | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0 && !(group === "" && version === "v1")) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group === "" ? version : `${group}/${version}`,
    resources: types.flatMap(resourceEntries),
  };
}
