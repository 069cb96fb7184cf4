import { isList, isMap, type Value } from "../../value/index.ts";
import type { ApiGroupInfo, ClusterResult, KindCatalogEntry, KindInfo } from "../cluster-api.ts";
import { fail, ok } from "../errors.ts";
import { stringAt } from "../object-meta.ts";

type KindTable = ReadonlyMap<string, KindInfo>;

/** Reads an APIResourceList: kinds by name; a `<plural>/status` entry means a status subresource. */
function kindTable(resourceList: Value): KindTable {
  const resources = isMap(resourceList) && isList(resourceList.resources) ? resourceList.resources.filter(isMap) : [];
  const names = new Set(resources.map((r) => stringAt(r, "name")));
  const table = new Map<string, KindInfo>();
  for (const resource of resources) {
    const plural = stringAt(resource, "name");
    const kind = stringAt(resource, "kind");
    if (!plural || !kind || plural.includes("/")) continue;
    table.set(kind, { plural, namespaced: resource.namespaced === true, hasStatus: names.has(`${plural}/status`) });
  }
  return table;
}

function unknownKind(apiVersion: string, kind: string): ClusterResult<KindInfo> {
  return fail("NotFound", `the server could not find the requested resource: no kind "${kind}" is registered for version "${apiVersion}"`);
}

/**
 * Discovery with a cache per apiVersion (RF-40, CTL-6): lookups of the same
 * apiVersion share one in-flight request; failures are not cached; a kind
 * missing from a cached list triggers one refresh (its CRD may be new).
 * `fetchResourceList` does the attempts and timeouts.
 */
export function createDiscovery(fetchResourceList: (apiVersion: string) => Promise<ClusterResult<Value>>) {
  const cache = new Map<string, Promise<ClusterResult<KindTable>>>();

  function load(apiVersion: string): Promise<ClusterResult<KindTable>> {
    const cached = cache.get(apiVersion);
    if (cached) return cached;
    const loading = fetchResourceList(apiVersion).then((result) => (result.ok ? ok(kindTable(result.value)) : result));
    cache.set(apiVersion, loading);
    void loading.then((result) => {
      if (!result.ok && cache.get(apiVersion) === loading) cache.delete(apiVersion);
    });
    return loading;
  }

  /** Drops a stale table unless another caller already replaced it, then loads again (sharing the refresh). */
  function refresh(apiVersion: string, stale: Promise<ClusterResult<KindTable>>): Promise<ClusterResult<KindTable>> {
    if (cache.get(apiVersion) === stale) cache.delete(apiVersion);
    return load(apiVersion);
  }

  async function discover(apiVersion: string, kind: string): Promise<ClusterResult<KindInfo>> {
    const first = load(apiVersion);
    let table = await first;
    if (table.ok && !table.value.has(kind)) table = await refresh(apiVersion, first);
    if (!table.ok) return table.error.reason === "NotFound" ? unknownKind(apiVersion, kind) : table;
    const info = table.value.get(kind);
    return info ? ok(info) : unknownKind(apiVersion, kind);
  }

  return { discover };
}

/** An APIGroupList (`/apis`) read as ApiGroupInfo; malformed groups are skipped. */
export function readApiGroups(groupList: Value): ApiGroupInfo[] {
  const groups = isMap(groupList) && isList(groupList.groups) ? groupList.groups : [];
  return groups.flatMap((group): ApiGroupInfo[] => {
    if (!isMap(group) || typeof group.name !== "string" || !isList(group.versions)) return [];
    const versions = group.versions.flatMap((v) => (isMap(v) && typeof v.version === "string" ? [v.version] : []));
    const preferred = isMap(group.preferredVersion) && typeof group.preferredVersion.version === "string" ? group.preferredVersion.version : versions[0];
    return preferred === undefined ? [] : [{ name: group.name, versions, preferredVersion: preferred }];
  });
}

/** An APIResourceList read as kinds; subresources (`<plural>/status`) and unnamed entries are skipped. */
export function readKindCatalog(resourceList: Value): KindCatalogEntry[] {
  const resources = isMap(resourceList) && isList(resourceList.resources) ? resourceList.resources.filter(isMap) : [];
  return resources.flatMap((r): KindCatalogEntry[] => {
    const plural = typeof r.name === "string" ? r.name : "";
    const kind = typeof r.kind === "string" ? r.kind : "";
    if (plural === "" || plural.includes("/") || kind === "") return [];
    const shortNames = isList(r.shortNames) ? r.shortNames.filter((s): s is string => typeof s === "string") : [];
    return [{ kind, plural, singular: typeof r.singularName === "string" ? r.singularName : "", shortNames, namespaced: r.namespaced === true }];
  });
}
