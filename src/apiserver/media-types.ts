/**
 * Accept headers as Kubernetes clients write them: media types with parameters
 * naming the form wanted (`application/json;as=Table;g=meta.k8s.io;v=v1`), most
 * preferred first. Servers answer the first entry they can and fall back from there.
 */

export interface MediaRange {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

export function parseAccept(accept: string | undefined): MediaRange[] {
  return (accept ?? "").split(",").map((entry) => {
    const [type, ...rawParams] = entry.split(";").map((p) => p.trim());
    const params = new Map(rawParams.map((p) => p.split("=").map((x) => x.trim()) as [string, string]));
    return { type: type ?? "", params };
  });
}

/** True when the range is JSON in the given `as` form of group `g` at version `v`. */
export function isJsonAs(range: MediaRange, as: string, group: string, version: string): boolean {
  return range.type === "application/json" && range.params.get("as") === as && range.params.get("g") === group && range.params.get("v") === version;
}
