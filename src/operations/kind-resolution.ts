/**
 * Resolving a kubectl-style KIND argument (`WebApp`, `webapp`, `webapps`,
 * `webapp.apps.acme.example`, `webapps.v1.apps.acme.example`) to one served kind
 * through API discovery (`/api/v1`, `/apis`, `/apis/<group>/<version>`), read through
 * the ClusterDiscovery port so the matching is testable without a server.
 */
import type { ApiGroupInfo, ClusterDiscovery, ClusterResult, KindCatalogEntry } from "../cluster/index.ts";

export interface ResolvedKind {
  readonly apiVersion: string;
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

interface Query {
  readonly name: string;
  readonly group?: string;
  readonly version?: string;
}

/** Every reading of the argument, as kubectl reads it: `name`, `name.group`, `name.version.group`. */
function queries(argument: string): Query[] {
  const dot = argument.indexOf(".");
  if (dot < 0) return [{ name: argument }];
  const name = argument.slice(0, dot);
  const rest = argument.slice(dot + 1);
  const out: Query[] = [{ name, group: rest }];
  const second = rest.indexOf(".");
  if (second > 0) out.push({ name, version: rest.slice(0, second), group: rest.slice(second + 1) });
  return out;
}

export async function resolveKind(argument: string, discovery: ClusterDiscovery, apiVersion?: string): Promise<ClusterResult<ResolvedKind>> {
  const groups = apiVersion === undefined ? await discovery.apiGroups() : ok<ApiGroupInfo[]>([]);
  if (!groups.ok) return groups;
  // With an explicit apiVersion the argument is only the name part (`webapps.apps.acme.example` still works).
  const targets =
    apiVersion === undefined ? groupVersionsFor(argument, groups.value) : [{ ...splitApiVersion(apiVersion), name: argument.split(".")[0] ?? argument }];
  const found: ResolvedKind[] = [];
  for (const target of targets) {
    const list = await discovery.discoverKinds(target.group === "" ? target.version : `${target.group}/${target.version}`);
    if (!list.ok && list.error.reason !== "NotFound") return list;
    if (list.ok) found.push(...matching(list.value, target));
  }
  return choose(argument, found);
}

function ok<T>(value: T): ClusterResult<T> {
  return { ok: true, value };
}

function failure<T>(message: string): ClusterResult<T> {
  return { ok: false, error: { reason: "NotFound", status: 404, message } };
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

interface Target {
  readonly group: string;
  readonly version: string;
  /** The name part of the reading that chose this group-version. */
  readonly name: string;
}

/** The group-versions worth reading: the named group's, or (bare name) the core group's and every group's preferred one. */
function groupVersionsFor(argument: string, groups: readonly ApiGroupInfo[]): Target[] {
  const byName = new Map(groups.map((g) => [g.name, g]));
  return queries(argument).flatMap((q): Target[] => {
    if (q.group === undefined)
      return [{ group: "", version: "v1", name: q.name }, ...groups.map((g) => ({ group: g.name, version: g.preferredVersion, name: q.name }))];
    const group = byName.get(q.group);
    if (group === undefined) return [];
    if (q.version === undefined) return [{ group: group.name, version: group.preferredVersion, name: q.name }];
    return group.versions.includes(q.version) ? [{ group: group.name, version: q.version, name: q.name }] : [];
  });
}

/** Kinds of one group-version whose kind, plural, singular or short name is `name` (case-insensitive). */
function matching(kinds: readonly KindCatalogEntry[], target: Target): ResolvedKind[] {
  const wanted = target.name.toLowerCase();
  return kinds.flatMap((k) => {
    const names = [k.kind, k.plural, k.singular, ...k.shortNames].map((n) => n.toLowerCase());
    if (!names.includes(wanted)) return [];
    const apiVersion = target.group === "" ? target.version : `${target.group}/${target.version}`;
    return [{ apiVersion, group: target.group, version: target.version, kind: k.kind, plural: k.plural, namespaced: k.namespaced }];
  });
}

/** kubectl's preference: the core group wins; otherwise more than one group is ambiguous. */
function choose(argument: string, found: readonly ResolvedKind[]): ClusterResult<ResolvedKind> {
  const first = found[0];
  if (first === undefined) return failure(`the server doesn't have a resource type "${argument}"`);
  const core = found.find((f) => f.group === "");
  if (core !== undefined) return ok(core);
  const groups = [...new Set(found.map((f) => `${f.kind}.${f.group}`))];
  if (groups.length === 1) return ok(first);
  return { ok: false, error: { reason: "Invalid", message: `"${argument}" is ambiguous: ${groups.join(", ")}; name one as kind.group` } };
}
