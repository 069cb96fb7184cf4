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

/** A path segment, percent-decoded; most have nothing to decode. */
const decodeSegment = (segment: string): string => (segment.includes("%") ? decodeURIComponent(segment) : segment);

/** The non-empty segments of a path, decoded. */
function segmentsOf(pathname: string): string[] {
  const parts: string[] = [];
  for (const segment of pathname.split("/")) if (segment !== "") parts.push(decodeSegment(segment));
  return parts;
}

export function parsePath(pathname: string): Route {
  const parts = segmentsOf(pathname);
  const head = parts[0];
  const a = parts[1];
  const b = parts[2];
  if (head === "version" && parts.length === 1) return { kind: "version" };
  if ((head === "healthz" || head === "livez" || head === "readyz") && parts.length === 1) return { kind: "health" };
  if (head === "openapi" && a === "v3") {
    if (b === undefined) return { kind: "openapi-root" };
    if (b === "api" && parts.length === 4) return { kind: "openapi-doc", group: "", version: parts[3]! };
    if (b === "apis" && parts.length === 5) return { kind: "openapi-doc", group: parts[3]!, version: parts[4]! };
    return { kind: "unknown" };
  }
  if (head === "api") {
    if (a === undefined) return { kind: "core-versions" };
    return resourceRoute("", a, parts.slice(2));
  }
  if (head === "apis") {
    if (a === undefined) return { kind: "groups" };
    if (b === undefined) return { kind: "group", group: a };
    return resourceRoute(a, b, parts.slice(3));
  }
  return { kind: "unknown" };
}
