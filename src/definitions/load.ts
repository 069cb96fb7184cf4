/**
 * Loading Koreo documents from YAML text (pure). Multi-document text becomes
 * Definitions, ForeignDocuments and Problems; nothing throws (errors are values).
 */
import { metadataOf } from "../cluster/index.ts";
import { KOREO_KINDS, type Definition, type ForeignDocument, type Problem } from "./definition.ts";
import { classify } from "./document.ts";
import { problem } from "./problem.ts";
import { didYouMean } from "./suggest.ts";
import { parseYamlText, type ParsedDocument } from "./yaml-documents.ts";
import { isMap } from "../value/index.ts";

export interface LoadResult {
  readonly definitions: Definition[];
  readonly foreign: ForeignDocument[];
  readonly problems: Problem[];
}

export function emptyLoadResult(): LoadResult {
  return { definitions: [], foreign: [], problems: [] };
}

function scalarWarnings(doc: ParsedDocument, definition: Definition): Problem[] {
  return doc.notes.map((note) => problem("warning", note.message, { position: doc.positions.position(note.offset), definition, path: note.path }));
}

/** Documents of one text, without the cross-document duplicate check. */
function loadDocuments(text: string, file: string, into: LoadResult): void {
  try {
    classifyDocuments(text, file, into);
  } catch (error) {
    // Last resort: the loader's contract is "never throws"; a parser bug must not take a handler down.
    into.problems.push(
      problem("error", `internal loader failure: ${error instanceof Error ? error.message : String(error)}`, { position: { file, line: 1, column: 1 } }),
    );
  }
}

/**
 * CLI-11 (corrected 2026-12): a document that is not one of the five Koreo kinds is told
 * about, never an error, whatever its apiVersion; a near miss of a Koreo kind gets a hint.
 */
function notKoreo(doc: ParsedDocument, foreign: ForeignDocument): Problem {
  const kindOffset = doc.positions.offsets.get("kind");
  const position = kindOffset === undefined ? doc.positions.position(doc.start) : doc.positions.position(kindOffset);
  if (foreign.kind === undefined) {
    const what = isMap(foreign.raw) ? "a document without a kind" : Array.isArray(foreign.raw) ? "a list document" : "a scalar document";
    return problem("info", `${what} is not a Koreo Resource; skipped.`, { position });
  }
  const metadata = isMap(foreign.raw) ? metadataOf(foreign.raw) : {};
  const name = typeof metadata.name === "string" ? metadata.name : "";
  const hint = didYouMean(foreign.kind, KOREO_KINDS);
  return problem("info", `'${foreign.kind}' is not a supported Koreo Resource.${hint === "" ? "" : ` (${hint.slice(2)})`}`, {
    position,
    definition: { kind: foreign.kind, name },
  });
}

/** A Koreo document carrying a tag a safe loader refuses is rejected, at the tag. */
function tagErrors(doc: ParsedDocument, identity: Definition | undefined): Problem[] {
  return doc.tagProblems.map((t) =>
    problem("error", t.message, { position: doc.positions.position(t.offset), ...(identity !== undefined ? { definition: identity } : {}) }),
  );
}

function classifyDocuments(text: string, file: string, into: LoadResult): void {
  const parsed = parseYamlText(text, file);
  if (!parsed.ok) {
    for (const f of parsed.failures) into.problems.push(problem("error", f.message, { position: f.position }));
    return;
  }
  for (const doc of parsed.documents) {
    if (doc.empty) continue;
    const result = classify(doc.value, doc.positions.position(doc.start), doc.positions);
    if (result.type === "foreign") {
      // Tags in documents we skip (CloudFormation's `!Ref` in a serverless.yml) are none of our business.
      into.foreign.push(result.document);
      into.problems.push(notKoreo(doc, result.document));
    } else if (result.type === "problem") {
      into.problems.push(result.problem, ...tagErrors(doc, undefined));
    } else if (doc.tagProblems.length > 0) {
      into.problems.push(...tagErrors(doc, result.definition));
    } else {
      into.definitions.push(result.definition);
      // FT-34: only Koreo documents are read by the engine, so only their YAML 1.1 scalars matter.
      into.problems.push(...scalarWarnings(doc, result.definition));
    }
  }
}

function identity(d: Definition): string {
  return `${d.kind}\u0000${d.namespace ?? ""}\u0000${d.name}`;
}

/**
 * CLI-11 / CACHE-1: a second definition of the same Kind, namespace and name is an error
 * and is dropped (the first one loaded, in sorted file order, stays). Definitions of the
 * same Kind/name in different namespaces are both kept: the registry's namespace
 * priority decides between them (CTL-2).
 */
export function dropDuplicates(result: LoadResult): LoadResult {
  const seen = new Map<string, Definition>();
  const definitions: Definition[] = [];
  const problems = [...result.problems];
  for (const d of result.definitions) {
    const first = seen.get(identity(d));
    if (first === undefined) {
      seen.set(identity(d), d);
      definitions.push(d);
      continue;
    }
    const where = first.source === undefined ? "" : ` (first defined at ${first.source.file}:${first.source.line}:${first.source.column})`;
    problems.push(
      problem("error", `duplicate definition ${d.kind}/${d.name}${where}`, {
        position: d.positionOf("metadata.name") ?? d.source,
        definition: d,
        path: "metadata.name",
      }),
    );
  }
  return { definitions, foreign: result.foreign, problems };
}

export function loadText(text: string, file: string): LoadResult {
  const result = emptyLoadResult();
  loadDocuments(text, file, result);
  return dropDuplicates(result);
}

/** For the file loader: several texts, one duplicate check across all of them. */
export function loadTexts(texts: ReadonlyArray<{ readonly text: string; readonly file: string }>, into: LoadResult = emptyLoadResult()): LoadResult {
  for (const t of texts) loadDocuments(t.text, t.file, into);
  return dropDuplicates(into);
}
