/**
 * YAML text → Values with source positions. Ints stay `bigint` (CEL int) and doubles
 * `number` (CEL double); each node's position is kept by field path so problems can
 * point at `file:line:col`. Scalars follow yaml-compat (YAML 1.1 where it matters).
 * Nesting is measured on the parser's token tree before anything recursive runs, so a
 * 10,000-deep file is a positioned "nesting deeper than" error, never a stack overflow.
 * Tags other than the standard scalar and collection ones (`!!python/object:…`, local
 * `!Ref`) are recorded per document: the reference's safe loader refuses them.
 */
import { Composer, CST, LineCounter, Parser, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Scalar } from "yaml";
import type { SourcePosition } from "./definition.ts";
import { formatPath, type PathSegment } from "./field-path.ts";
import { LIMITS } from "./limits.ts";
import { entriesOf, setEntry, type Value, type ValueMap } from "../value/index.ts";
import { withYaml11Scalars, yaml11Warning } from "./yaml-compat.ts";

/** Field path → source offset, plus what turns offsets into positions. */
export interface PositionIndex {
  readonly file: string;
  position(offset: number): SourcePosition;
  /** Where each field sits: a map entry at its key, a list item at the item. */
  readonly offsets: ReadonlyMap<string, number>;
  /** Where the scalar value of a map entry starts (e.g. the expression string of `value: =…`). */
  readonly valueOffsets: ReadonlyMap<string, number>;
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
  /** Nodes carrying a tag we do not accept (language-specific, local, `!!binary`…). */
  readonly tagProblems: readonly TagProblem[];
}

export interface TagProblem {
  readonly offset: number;
  readonly message: string;
}

export interface ParseFailure {
  readonly message: string;
  readonly position: SourcePosition;
}

export type ParsedText =
  { readonly ok: true; readonly documents: readonly ParsedDocument[] } | { readonly ok: false; readonly failures: readonly ParseFailure[] };

interface WalkState {
  readonly doc: Document.Parsed;
  /** The whole text, to find where a node's tag is written. */
  readonly text: string;
  readonly offsets: Map<string, number>;
  readonly valueOffsets: Map<string, number>;
  readonly notes: ScalarNote[];
  readonly tagProblems: TagProblem[];
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
  if (!Array.isArray(documents)) return { ok: false, failures: [{ message: documents.message, position: position(documents.offset) }] };
  if (documents.length > LIMITS.maxDocuments) {
    return {
      ok: false,
      failures: [{ message: `too many YAML documents (${documents.length}; the limit is ${LIMITS.maxDocuments} per file)`, position: position(0) }],
    };
  }
  const syntax = documents.flatMap((d) => d.errors.map((e) => ({ message: syntaxMessage(e.code, e.message), position: position(e.pos[0]) })));
  if (syntax.length > 0) return { ok: false, failures: syntax };
  const state = { aliasBudget: LIMITS.maxAliasExpansion, text };
  const parsed: ParsedDocument[] = [];
  for (const doc of documents) {
    const result = toParsedDocument(doc, file, position, state);
    if ("message" in result) return { ok: false, failures: [result] };
    parsed.push(result);
  }
  return { ok: true, documents: parsed };
}

const TOO_DEEP = `nesting too deep to parse (the limit is ${LIMITS.maxDepth} levels)`;

function syntaxMessage(code: string, message: string): string {
  // The composer catches its own stack overflow and reports it as an error of the document.
  return code === "RESOURCE_EXHAUSTION" && /call stack/i.test(message) ? TOO_DEEP : `YAML syntax error: ${message}`;
}

function parseDocuments(text: string, lines: LineCounter): Document.Parsed[] | { message: string; offset: number } {
  try {
    // The token parser is iterative; the composer recurses on nesting, so depth is checked in between.
    const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
    const tooDeep = deepestFailure(tokens);
    if (tooDeep !== undefined) return tooDeep;
    const composer = new Composer({ schema: "core", customTags: withYaml11Scalars, intAsBigInt: true, merge: true, prettyErrors: false });
    return Array.from(composer.compose(tokens)) as Document.Parsed[];
  } catch (error) {
    return { message: error instanceof RangeError ? TOO_DEEP : `YAML parser failure: ${String(error)}`, offset: 0 };
  }
}

/** A path as a linked list, so walking a wide file copies nothing. */
interface PathLink {
  readonly segment: PathSegment;
  readonly parent: PathLink | undefined;
}

function segmentsOf(link: PathLink | undefined): PathSegment[] {
  const out: PathSegment[] = [];
  for (let l = link; l !== undefined; l = l.parent) out.unshift(l.segment);
  return out;
}

function keySegment(key: CST.Token | null | undefined): PathSegment {
  if (key === null || key === undefined) return "";
  const scalar = CST.isScalar(key) ? CST.resolveAsScalar(key) : null;
  return scalar === null ? "<key>" : scalar.value;
}

/**
 * The first node nested deeper than LIMITS.maxDepth, found on the token tree without
 * recursion; depths count as the conversion below does (the document's root is 0).
 */
function deepestFailure(tokens: readonly CST.Token[]): { message: string; offset: number } | undefined {
  const stack: Array<{ token: CST.Token; depth: number; path: PathLink | undefined }> = [];
  for (const token of tokens) if (token.type === "document" && token.value !== undefined) stack.push({ token: token.value, depth: 0, path: undefined });
  stack.reverse();
  while (stack.length > 0) {
    const { token, depth, path } = stack.pop() as (typeof stack)[number];
    if (depth > LIMITS.maxDepth) return { message: `nesting deeper than ${LIMITS.maxDepth} levels at ${shortPath(segmentsOf(path))}`, offset: token.offset };
    if (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection") continue;
    const isSequence = token.type === "block-seq" || (token.type === "flow-collection" && token.start.source === "[");
    const children: typeof stack = [];
    token.items.forEach((item, i) => {
      const segment: PathSegment = isSequence ? i : keySegment(item.key);
      if (item.key !== null && item.key !== undefined && CST.isCollection(item.key))
        children.push({ token: item.key, depth: depth + 1, path: { segment: "<key>", parent: path } });
      if (item.value !== null && item.value !== undefined) children.push({ token: item.value, depth: depth + 1, path: { segment, parent: path } });
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as (typeof stack)[number]);
  }
  return undefined;
}

function toParsedDocument(
  doc: Document.Parsed,
  file: string,
  position: (offset: number) => SourcePosition,
  shared: { aliasBudget: number; readonly text: string },
): ParsedDocument | ParseFailure {
  const state: WalkState = { doc, text: shared.text, offsets: new Map(), valueOffsets: new Map(), notes: [], tagProblems: [], aliasBudget: shared.aliasBudget };
  const start = doc.contents?.range[0] ?? doc.range[0];
  const value = convert(doc.contents, [], 0, false, state);
  shared.aliasBudget = state.aliasBudget;
  if (state.failure !== undefined) return { message: state.failure.message, position: position(state.failure.offset) };
  const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === "");
  return {
    value,
    empty,
    positions: { file, position, offsets: state.offsets, valueOffsets: state.valueOffsets },
    start,
    notes: state.notes,
    tagProblems: state.tagProblems,
  };
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
  if (viaAlias && --state.aliasBudget < 0)
    return fail(state, `alias expansion limit exceeded: aliases expand to more than ${LIMITS.maxAliasExpansion} nodes (alias bomb?)`, offset);
  checkTag(n, state);
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

const YAML_TAG = "tag:yaml.org,2002:";
/** Tags whose values are plain JSON data; anything else builds objects we never want. */
const ACCEPTED_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `${YAML_TAG}${t}`));

/** `!!python/object:foo.Bar` rather than `tag:yaml.org,2002:python/object:foo.Bar`. */
function shortTag(tag: string): string {
  return tag.startsWith(YAML_TAG) ? `!!${tag.slice(YAML_TAG.length)}` : tag;
}

const DELIMITER = /[\s[\]{},]/;

/** Nodes start at their value; the tag is the `!…` word before it (an `&anchor` may sit in between). */
function tagOffset(text: string, offset: number): number {
  let end = offset;
  for (let words = 0; words < 2; words++) {
    while (end > 0 && /\s/.test(text[end - 1] as string)) end--;
    let start = end;
    while (start > 0 && !DELIMITER.test(text[start - 1] as string)) start--;
    if (text[start] === "!") return start;
    if (text[start] !== "&") break;
    end = start;
  }
  return offset;
}

function checkTag(node: unknown, state: WalkState): void {
  const tag = (node as { tag?: unknown } | null)?.tag;
  if (typeof tag !== "string" || tag === "!" || ACCEPTED_TAGS.has(tag)) return;
  const offset = tagOffset(state.text, (node as Node).range?.[0] ?? 0);
  if (state.tagProblems.some((t) => t.offset === offset)) return;
  state.tagProblems.push({
    offset,
    message: `YAML tag '${shortTag(tag)}' is not allowed: only the standard tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are accepted, as by a YAML safe loader`,
  });
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
  checkTag(key, state);
  if (isScalar(key)) {
    if (key.type === "PLAIN" && typeof key.source === "string") {
      if (typeof key.value === "boolean") {
        state.notes.push({
          path: formatPath(path),
          offset: key.range?.[0] ?? 0,
          message: `map key '${key.source}' is a boolean in YAML 1.1 (the reference renders it 'True'/'False'); quote it`,
        });
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
    const valueOffset = isScalar(pair.value) ? pair.value.range?.[0] : undefined;
    if (valueOffset !== undefined && !viaAlias) state.valueOffsets.set(formatPath(childPath), valueOffset);
    setEntry(out, key, convert(pair.value, childPath, depth + 1, viaAlias, state));
  }
  // `<<` merge keys (YAML 1.1, PyYAML): explicit keys win, then earlier merge sources.
  for (const source of merged) {
    for (const [k, v] of entriesOf(source)) if (!Object.hasOwn(out, k)) setEntry(out, k, v);
  }
  return out;
}

function mergeSources(value: Value): ValueMap[] {
  if (Array.isArray(value)) return value.filter((v): v is ValueMap => typeof v === "object" && v !== null && !Array.isArray(v));
  return typeof value === "object" && value !== null ? [value] : [];
}

export type ParsedValues = { readonly ok: true; readonly values: readonly Value[] } | { readonly ok: false; readonly failures: readonly ParseFailure[] };

/**
 * FT-34: the one way the CLI reads YAML that is not a Koreo definition (`koreo render`'s
 * trigger and cluster files, `koreo eval --inputs`): the same YAML 1.1 booleans, octals,
 * ints and limits as definitions, and no tag other than the standard ones. Empty
 * documents are left out.
 */
export function parseYamlValues(text: string, file: string): ParsedValues {
  const parsed = parseYamlText(text, file);
  if (!parsed.ok) return parsed;
  const tags = parsed.documents.flatMap((d) => d.tagProblems.map((t) => ({ message: t.message, position: d.positions.position(t.offset) })));
  if (tags.length > 0) return { ok: false, failures: tags };
  return { ok: true, values: parsed.documents.filter((d) => !d.empty).map((d) => d.value) };
}
