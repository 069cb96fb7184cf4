/**
 * One parsed document → a Definition (Koreo kind), a ForeignDocument (anything that is not
 * one of the five Koreo kinds, whatever its apiVersion: FT-34, CLI-11 as corrected 2026-12,
 * e.g. the `koreo.dev/v1beta1` TriggerDummy the Koreo authors keep beside their programs)
 * or a Problem (a Koreo kind we cannot accept).
 */
import { metadataOf } from "../cluster/index.ts";
import { KOREO_API_VERSION, KOREO_KINDS, type Definition, type ForeignDocument, type KoreoKind, type Problem, type SourcePosition } from "./definition.ts";
import { formatPath, parsePath } from "./field-path.ts";
import { problem } from "./problem.ts";
import { isMap, type Value, type ValueMap } from "../value/index.ts";
import type { PositionIndex } from "./yaml-documents.ts";

const KOREO_GROUP_PREFIX = "koreo.dev/";

export type Classified =
  | { readonly type: "definition"; readonly definition: Definition }
  | { readonly type: "foreign"; readonly document: ForeignDocument }
  | { readonly type: "problem"; readonly problem: Problem };

function isKoreoKind(kind: string): kind is KoreoKind {
  return (KOREO_KINDS as readonly string[]).includes(kind);
}

function text(v: Value | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Locates field paths in the source; the nearest existing ancestor answers for a missing node. */
function locator(positions: PositionIndex | undefined, fallback: SourcePosition | undefined): (path: string) => SourcePosition | undefined {
  if (positions === undefined) return () => fallback;
  return (path) => {
    const segments = parsePath(path);
    for (let n = segments.length; n > 0; n--) {
      const offset = positions.offsets.get(formatPath(segments.slice(0, n)));
      if (offset !== undefined) return positions.position(offset);
    }
    return fallback;
  };
}

/** Label values are strings in Kubernetes; YAML may give `true` or `1`, which the API server would refuse. */
function stringLabels(labels: Value | undefined): Record<string, string> | undefined {
  if (!isMap(labels)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== null) out[k] = typeof v === "string" ? v : String(v);
  return out;
}

function classifyKoreo(object: ValueMap, apiVersion: string, source: SourcePosition | undefined, positions?: PositionIndex): Classified {
  const at = locator(positions, source);
  const valueAt = (path: string): SourcePosition | undefined => {
    const offset = positions?.valueOffsets.get(path);
    return offset === undefined ? at(path) : positions?.position(offset);
  };
  const kind = text(object.kind);
  const metadata = metadataOf(object);
  const name = text(metadata.name) ?? "";
  // Problems name whatever identity the document has, even an unknown kind.
  const identity = { definition: { kind: (kind ?? "?") as KoreoKind, name } };
  const fail = (message: string, path: string): Classified => ({
    type: "problem",
    problem: problem("error", message, { position: at(path), path, ...identity }),
  });
  if (kind === undefined) return fail("kind is required", "kind");
  if (!isKoreoKind(kind)) return { type: "foreign", document: { apiVersion, kind, raw: object, ...(source !== undefined ? { source } : {}) } };
  if (apiVersion !== KOREO_API_VERSION) return fail(`unknown Koreo apiVersion '${apiVersion}' (expected '${KOREO_API_VERSION}')`, "apiVersion");
  if (name === "") return fail("metadata.name is required", "metadata.name");
  const spec = object.spec === undefined ? {} : object.spec;
  if (!isMap(spec)) return fail(`spec must be an object, not ${describe(spec)}`, "spec");
  const definition = makeDefinition({ kind, name, metadata, spec, raw: object, source, positionOf: at, valuePositionOf: valueAt });
  return { type: "definition", definition };
}

function describe(v: Value): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "bigint" ? "an integer" : `a ${typeof v}`;
}

interface DefinitionParts {
  readonly kind: KoreoKind;
  readonly name: string;
  readonly metadata: ValueMap;
  readonly spec: ValueMap;
  readonly raw: ValueMap;
  readonly source: SourcePosition | undefined;
  readonly positionOf: (path: string) => SourcePosition | undefined;
  readonly valuePositionOf: (path: string) => SourcePosition | undefined;
}

function makeDefinition(parts: DefinitionParts): Definition {
  const namespace = text(parts.metadata.namespace);
  const resourceVersion = text(parts.metadata.resourceVersion);
  const labels = stringLabels(parts.metadata.labels);
  return Object.freeze({
    kind: parts.kind,
    name: parts.name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    ...(labels !== undefined ? { labels } : {}),
    spec: parts.spec,
    raw: parts.raw,
    ...(parts.source !== undefined ? { source: parts.source } : {}),
    positionOf: parts.positionOf,
    valuePositionOf: parts.valuePositionOf,
  });
}

/** Sorts one document; `positions` is present for documents read from files. */
export function classify(value: Value, source: SourcePosition | undefined, positions?: PositionIndex): Classified {
  if (!isMap(value)) return { type: "foreign", document: { raw: value, ...(source !== undefined ? { source } : {}) } };
  const apiVersion = text(value.apiVersion);
  if (apiVersion !== undefined && (apiVersion.startsWith(KOREO_GROUP_PREFIX) || apiVersion === "koreo.dev")) {
    return classifyKoreo(value, apiVersion, source, positions);
  }
  const kind = text(value.kind);
  return {
    type: "foreign",
    document: {
      ...(apiVersion !== undefined ? { apiVersion } : {}),
      ...(kind !== undefined ? { kind } : {}),
      raw: value,
      ...(source !== undefined ? { source } : {}),
    },
  };
}

/**
 * A Definition from an object read from the cluster (JSON already converted to Values).
 * Not a Koreo document, or one missing name/spec shape → a Problem (CACHE-2: a definition
 * without a name is a bad resource).
 */
export function definitionFromObject(object: ValueMap, source?: SourcePosition): Definition | Problem {
  const classified = classify(object, source);
  switch (classified.type) {
    case "definition":
      return classified.definition;
    case "problem":
      return classified.problem;
    case "foreign":
      return problem(
        "error",
        `'${text(object.kind) ?? "?"}.${text(object.apiVersion) ?? "?"}' is not a Koreo resource`,
        source !== undefined ? { position: source } : {},
      );
  }
}
