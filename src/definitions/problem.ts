import type { Definition, Problem, SourcePosition } from "./definition.ts";

/** Where a problem points: a file position plus (optionally) the definition it concerns. */
export interface ProblemPlace {
  readonly position?: SourcePosition;
  /** The document's identity; `kind` may be any kind (an info line names a non-Koreo one). */
  readonly definition?: { readonly kind: string; readonly name: string; readonly namespace?: string | undefined };
  readonly path?: string;
}

/** Builds a Problem, leaving out every part that is unknown (so formatting can omit it). */
export function problem(severity: Problem["severity"], message: string, place: ProblemPlace = {}): Problem {
  const out: { -readonly [K in keyof Problem]: Problem[K] } = { severity, message };
  if (place.position !== undefined) {
    out.file = place.position.file;
    out.line = place.position.line;
    out.column = place.position.column;
  }
  if (place.definition !== undefined) {
    out.kind = place.definition.kind;
    if (place.definition.name !== "") out.name = place.definition.name;
    if (place.definition.namespace !== undefined) out.namespace = place.definition.namespace;
  }
  if (place.path !== undefined && place.path !== "") out.path = place.path;
  return out;
}

/** A problem about a field of a loaded definition, positioned at that field (or its nearest ancestor). */
export function definitionProblem(severity: Problem["severity"], definition: Definition, path: string, message: string): Problem {
  return problem(severity, message, { position: definition.positionOf(path) ?? definition.source, definition, path });
}

function resourceLabel(p: Problem): string | undefined {
  if (p.kind === undefined && p.name === undefined) return undefined;
  const kind = p.kind ?? "?";
  if (p.name === undefined) return kind;
  return p.namespace === undefined ? `${kind}/${p.name}` : `${kind} ${p.namespace}/${p.name}`;
}

function fileLabel(p: Problem): string | undefined {
  if (p.file === undefined) return undefined;
  if (p.line === undefined) return p.file;
  return p.column === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
}

/**
 * CLI-11 line: `file:line:col: severity: Kind/name: spec.path: message`. A namespaced
 * definition shows as `Kind namespace/name`; unknown parts are left out with their separator.
 */
export function formatProblem(p: Problem): string {
  const parts = [fileLabel(p), p.severity, resourceLabel(p), p.path].filter((s): s is string => s !== undefined);
  return [...parts, p.message].join(": ");
}
