/**
 * Aggregated discovery (apidiscovery.k8s.io/v2), which kubectl asks for first:
 * every group, version and resource of `/api` or `/apis` in one document, so a
 * fresh kubectl needs two requests instead of one per group-version.
 */
import type { JsonObject } from "./json.ts";
import type { ResourceRegistry } from "./registry.ts";
import type { ResourceType } from "./resource-type.ts";
import { SCALE_KIND, SUBRESOURCE_VERBS, VERBS } from "./discovery.ts";
import { isJsonAs, parseAccept } from "./media-types.ts";

export const AGGREGATED_MEDIA_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** True when the client accepts aggregated discovery v2 (v2beta1 is not served: such clients get the legacy documents). */
export function wantsAggregated(accept: string | undefined): boolean {
  return parseAccept(accept).some((r) => isJsonAs(r, "APIGroupDiscoveryList", "apidiscovery.k8s.io", "v2"));
}

function resourceDoc(t: ResourceType): JsonObject {
  const responseKind = { group: t.group, version: t.version, kind: t.kind };
  const doc: JsonObject = { resource: t.plural, responseKind, scope: t.namespaced ? "Namespaced" : "Cluster", singularResource: t.singular, verbs: VERBS };
  if (t.shortNames.length > 0) doc["shortNames"] = [...t.shortNames];
  if (t.categories.length > 0) doc["categories"] = [...t.categories];
  const subresources: JsonObject[] = [];
  if (t.statusSubresource) subresources.push({ subresource: "status", responseKind, verbs: SUBRESOURCE_VERBS });
  if (t.scale !== undefined) subresources.push({ subresource: "scale", responseKind: SCALE_KIND, verbs: SUBRESOURCE_VERBS });
  if (subresources.length > 0) doc["subresources"] = subresources;
  return doc;
}

function groupDoc(registry: ResourceRegistry, group: string, versions: readonly string[]): JsonObject {
  const versionDocs = versions.map((version) => ({ version, resources: registry.inGroupVersion(group, version).map(resourceDoc), freshness: "Current" }));
  return { metadata: group === "" ? { creationTimestamp: null } : { name: group, creationTimestamp: null }, versions: versionDocs };
}

/** `/api` (core group) or `/apis` (every other group), in preference order. */
export function aggregatedDiscovery(registry: ResourceRegistry, legacyCore: boolean): JsonObject {
  const groups = legacyCore
    ? [groupDoc(registry, "", ["v1"])]
    : [...registry.groups()].sort(([a], [b]) => a.localeCompare(b)).map(([name, versions]) => groupDoc(registry, name, versions));
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items: groups };
}
