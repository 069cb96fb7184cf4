/** Maps a request path onto what it addresses; the only place that knows the URL layout. */

export type Route =
  | { kind: "version" }
  | { kind: "health" }
  | { kind: "core-versions" }
  | { kind: "groups" }
  | { kind: "group"; group: string }
  | { kind: "resource-list"; group: string; version: string }
  | { kind: "openapi-root" }
  | { kind: "openapi-doc"; group: string; version: string }
  | { kind: "resource"; group: string; version: string; namespace?: string; plural: string; name?: string; subresource?: string }
  | { kind: "unknown" };

function resourceRoute(group: string, version: string, rest: string[]): Route {
  if (rest.length === 0) return { kind: "resource-list", group, version };
  // /namespaces/<ns>/<plural>/... unless it is the namespace's own subresource.
  if (rest[0] === "namespaces" && rest.length >= 3 && rest[2] !== "status" && rest[2] !== "finalize") {
    if (rest.length > 5) return { kind: "unknown" };
    return withOptional({ kind: "resource", group, version, namespace: rest[1]!, plural: rest[2]! }, rest[3], rest[4]);
  }
  if (rest.length > 3) return { kind: "unknown" };
  return withOptional({ kind: "resource", group, version, plural: rest[0]! }, rest[1], rest[2]);
}

function withOptional(route: Route & { kind: "resource" }, name: string | undefined, subresource: string | undefined): Route {
  if (name !== undefined) route.name = name;
  if (subresource !== undefined) route.subresource = subresource;
  return route;
}

export function parsePath(pathname: string): Route {
  const parts = pathname
    .split("/")
    .filter((p) => p !== "")
    .map(decodeURIComponent);
  const [head, a, b, ...rest] = parts;
  if (head === "version" && parts.length === 1) return { kind: "version" };
  if ((head === "healthz" || head === "livez" || head === "readyz") && parts.length === 1) return { kind: "health" };
  if (head === "openapi" && a === "v3") {
    if (b === undefined) return { kind: "openapi-root" };
    if (b === "api" && rest.length === 1) return { kind: "openapi-doc", group: "", version: rest[0]! };
    if (b === "apis" && rest.length === 2) return { kind: "openapi-doc", group: rest[0]!, version: rest[1]! };
    return { kind: "unknown" };
  }
  if (head === "api") {
    if (a === undefined) return { kind: "core-versions" };
    return resourceRoute("", a, b === undefined ? [] : [b, ...rest]);
  }
  if (head === "apis") {
    if (a === undefined) return { kind: "groups" };
    if (b === undefined) return { kind: "group", group: a };
    return resourceRoute(a, b, rest);
  }
  return { kind: "unknown" };
}
