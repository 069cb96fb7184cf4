/**
 * YAML text → Values with source positions. Ints stay `bigint` (CEL int) and doubles
 * `number` (CEL double); each node's position is kept by field path so problems can
 * point at `file:line:col`. Scalars follow yaml-compat (YAML 1.1 where it matters).
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Scalar } from "yaml";
import type { SourcePosition } from "./definition.ts";
import { formatPath, type PathSegment } from "./field-path.ts";
import { LIMITS } from "./limits.ts";
import type { Value, ValueMap } from "../value/value.ts";
import { withYaml11Scalars, yaml11Warning } from "./yaml-compat.ts";

/** Field path → source offset, plus what turns offsets into positions. */
export interface PositionIndex {
  readonly file: string;
  position(offset: number): SourcePosition;
  readonly offsets: ReadonlyMap<string, number>;
}

export interface ScalarNote {
  readonly path: string;
  readonly offset: number;
  readonly message: string;
}

export interface ParsedDocument {
  readonly value: Value;
  /** Empty documents (only comments, or `---` alone) carry nothing to load. */
  readonly empty: boolean;
  readonly positions: PositionIndex;
  readonly start: number;
  /** Plain scalars whose meaning depends on the YAML version (FT-34). */
  readonly notes: readonly ScalarNote[];
}

export interface ParseFailure {
  readonly message: string;
  readonly position: SourcePosition;
}

export type ParsedText = { readonly ok: true; readonly documents: readonly ParsedDocument[] } | { readonly ok: false; readonly failures: readonly ParseFailure[] };

interface WalkState {
  readonly doc: Document.Parsed;
  readonly offsets: Map<string, number>;
  readonly notes: ScalarNote[];
  aliasBudget: number;
  failure?: { message: string; offset: number };
}

function positionFn(lines: LineCounter, file: string): (offset: number) => SourcePosition {
  return (offset) => {
    const { line, col } = lines.linePos(offset);
    return { file, line: Math.max(line, 1), column: col };
  };
}

/** Splits `text` into documents; YAML syntax errors and limit violations become failures. */
export function parseYamlText(text: string, file: string): ParsedText {
  const lines = new LineCounter();
  const position = positionFn(lines, file);
  // Callers reading files check bytes before reading; this guards text handed over directly.
  if (text.length > LIMITS.maxFileBytes) {
    return { ok: false, failures: [{ message: `text too large (${text.length} characters; the limit is ${LIMITS.maxFileBytes})`, position: position(0) }] };
  }
  const documents = parseDocuments(text, lines);
  if (!Array.isArray(documents)) return { ok: false, failures: [{ message: documents.message, position: position(0) }] };
  if (documents.length > LIMITS.maxDocuments) {
    return { ok: false, failures: [{ message: `too many YAML documents (${documents.length}; the limit is ${LIMITS.maxDocuments} per file)`, position: position(0) }] };
  }
  const syntax = documents.flatMap((d) => d.errors.map((e) => ({ message: `YAML syntax error: ${e.message}`, position: position(e.pos[0]) })));
  if (syntax.length > 0) return { ok: false, failures: syntax };
  const state = { aliasBudget: LIMITS.maxAliasExpansion };
  const parsed: ParsedDocument[] = [];
  for (const doc of documents) {
    const result = toParsedDocument(doc, file, position, state);
    if ("message" in result) return { ok: false, failures: [result] };
    parsed.push(result);
  }
  return { ok: true, documents: parsed };
}

function parseDocuments(text: string, lines: LineCounter): Document.Parsed[] | Error {
  try {
    return parseAllDocuments(text, { schema: "core", customTags: withYaml11Scalars, intAsBigInt: true, merge: true, prettyErrors: false, lineCounter: lines }) as Document.Parsed[];
  } catch (error) {
    // The parser recurses on nesting; a pathological file can exhaust the stack before our depth limit sees it.
    return new Error(error instanceof RangeError ? `nesting too deep to parse (the limit is ${LIMITS.maxDepth} levels)` : `YAML parser failure: ${String(error)}`);
  }
}

function toParsedDocument(doc: Document.Parsed, file: string, position: (offset: number) => SourcePosition, shared: { aliasBudget: number }): ParsedDocument | ParseFailure {
  const state: WalkState = { doc, offsets: new Map(), notes: [], aliasBudget: shared.aliasBudget };
  const start = doc.contents?.range[0] ?? doc.range[0];
  const value = convert(doc.contents, [], 0, false, state);
  shared.aliasBudget = state.aliasBudget;
  if (state.failure !== undefined) return { message: state.failure.message, position: position(state.failure.offset) };
  const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === "");
  return { value, empty, positions: { file, position, offsets: state.offsets }, start, notes: state.notes };
}

/** A path for a message: the first segments only, since a too-deep path is the problem. */
function shortPath(path: readonly PathSegment[]): string {
  const shown = formatPath(path.slice(0, 8));
  return path.length > 8 ? `${shown}…` : shown || "the document root";
}

function fail(state: WalkState, message: string, offset: number): Value {
  state.failure ??= { message, offset };
  return null;
}

function convert(node: unknown, path: PathSegment[], depth: number, viaAlias: boolean, state: WalkState): Value {
  if (state.failure !== undefined || node === null || node === undefined) return null;
  const n = node as Node;
  const offset = n.range?.[0] ?? 0;
  if (depth > LIMITS.maxDepth) return fail(state, `nesting deeper than ${LIMITS.maxDepth} levels at ${shortPath(path)}`, offset);
  if (viaAlias && --state.aliasBudget < 0) return fail(state, `alias expansion limit exceeded: aliases expand to more than ${LIMITS.maxAliasExpansion} nodes (alias bomb?)`, offset);
  if (isAlias(n)) {
    const target = n.resolve(state.doc);
    if (target === undefined) return fail(state, `unresolved alias *${n.source}`, offset);
    return convert(target, path, depth, true, state);
  }
  if (isScalar(n)) return scalarValue(n, path, state);
  if (isSeq(n)) return n.items.map((item, i) => convertAt(item, [...path, i], depth + 1, viaAlias, state));
  if (isMap(n)) return mapValue(n.items, path, depth, viaAlias, state);
  return fail(state, "unsupported YAML node", offset);
}

function convertAt(node: unknown, path: PathSegment[], depth: number, viaAlias: boolean, state: WalkState): Value {
  const offset = (node as Node | null)?.range?.[0];
  if (offset !== undefined && !viaAlias) state.offsets.set(formatPath(path), offset);
  return convert(node, path, depth, viaAlias, state);
}

function scalarValue(node: Scalar, path: PathSegment[], state: WalkState): Value {
  if (node.type === "PLAIN" && typeof node.source === "string") {
    const message = yaml11Warning(node.source);
    if (message !== undefined) state.notes.push({ path: formatPath(path), offset: node.range?.[0] ?? 0, message });
  }
  return plainScalar(node.value);
}

function plainScalar(value: unknown): Value {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "bigint":
    case "number":
      return value;
    default:
      return value === null || value === undefined ? null : String(value);
  }
}

/** Map keys are strings (JSON); a plain key keeps its source text, e.g. `yes:` stays "yes" (with a warning). */
function keyText(key: unknown, path: PathSegment[], state: WalkState): string {
  if (isScalar(key)) {
    if (key.type === "PLAIN" && typeof key.source === "string") {
      if (typeof key.value === "boolean") {
        state.notes.push({ path: formatPath(path), offset: key.range?.[0] ?? 0, message: `map key '${key.source}' is a boolean in YAML 1.1 (the reference renders it 'True'/'False'); quote it` });
      }
      return key.source;
    }
    return String(key.value);
  }
  return key === null || key === undefined ? "" : String(key);
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.type === "PLAIN" && key.source === "<<";
}

function mapValue(items: readonly unknown[], path: PathSegment[], depth: number, viaAlias: boolean, state: WalkState): ValueMap {
  const out: ValueMap = {};
  const merged: ValueMap[] = [];
  for (const pair of items) {
    if (!isPair(pair)) continue;
    if (isMergeKey(pair.key)) {
      merged.push(...mergeSources(convert(pair.value, path, depth + 1, viaAlias, state)));
      continue;
    }
    const key = keyText(pair.key, [...path, "<key>"], state);
    const childPath = [...path, key];
    const keyOffset = (pair.key as Node | null)?.range?.[0];
    if (keyOffset !== undefined && !viaAlias) state.offsets.set(formatPath(childPath), keyOffset);
    out[key] = convert(pair.value, childPath, depth + 1, viaAlias, state);
  }
  // `<<` merge keys (YAML 1.1, PyYAML): explicit keys win, then earlier merge sources.
  for (const source of merged) {
    for (const [k, v] of Object.entries(source)) if (!(k in out)) out[k] = v;
  }
  return out;
}

function mergeSources(value: Value): ValueMap[] {
  if (Array.isArray(value)) return value.filter((v): v is ValueMap => typeof v === "object" && v !== null && !Array.isArray(v));
  return typeof value === "object" && value !== null ? [value] : [];
}
