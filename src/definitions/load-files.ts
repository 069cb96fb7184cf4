/**
 * The one module of the definitions layer that touches the file system: finds Koreo
 * files (recursively, sorted, FT-33 suffixes), enforces the size limit before reading,
 * refuses bytes that are not UTF-8, and hands the texts to the pure loader. Never
 * rejects: unreadable paths are Problems.
 *
 * Walking a directory skips dot-directories and `node_modules`, and whatever the
 * `.koreoignore` file at the root of that directory lists (gitignore-style: one name or
 * path per line, `#` comments, `*`, `?` and `**` wildcards, a trailing `/` for directories only,
 * a `/` at the start or inside anchoring the entry to the root). A file or directory
 * named on the command line is always read.
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Problem } from "./definition.ts";
import { LIMITS } from "./limits.ts";
import { emptyLoadResult, loadTexts, type LoadResult } from "./load.ts";
import { problem } from "./problem.ts";
import { decodeUtf8 } from "./utf8.ts";
import { parseYamlValues } from "./yaml-documents.ts";
import type { Value } from "../value/index.ts";

export const IGNORE_FILE = ".koreoignore";

/** FT-33: `.koreo`, `.k`, `.k.yaml`, `.k.yml`, `.yaml`, `.yml`. */
const SUFFIXES = [".koreo", ".k", ".yaml", ".yml"];

function isKoreoFile(name: string): boolean {
  return SUFFIXES.some((s) => name.endsWith(s));
}

/** Directories never worth walking into (tooling state, dependencies). */
function skipDirectory(name: string): boolean {
  return name.startsWith(".") || name === "node_modules";
}

function fileProblem(file: string, message: string): Problem {
  return problem("error", message, { position: { file, line: 1, column: 1 } });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface IgnoreRule {
  readonly pattern: RegExp;
  /** Matched against the path relative to the root, else against the entry's name. */
  readonly anchored: boolean;
  readonly directoryOnly: boolean;
}

// gitignore globs: `*` and `?` stay within a segment, `**` followed by a slash spans any number of directories.
function globToRegExp(glob: string): RegExp {
  const source = glob
    .split(/(\*\*\/|\*\*|\*|\?)/)
    .map((part) => {
      if (part === "**/") return "(?:.*/)?";
      if (part === "**") return ".*";
      if (part === "*") return "[^/]*";
      if (part === "?") return "[^/]";
      return part.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${source}$`);
}

/** `.koreoignore` lines → rules. Negations (`!…`) are not supported and are left out. */
export function parseIgnoreFile(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const directoryOnly = line.endsWith("/");
    line = line.replace(/\/+$/, "");
    const anchored = line.includes("/");
    line = line.replace(/^\/+/, "");
    if (line !== "") rules.push({ pattern: globToRegExp(line), anchored, directoryOnly });
  }
  return rules;
}

/** One directory given on the command line: its ignore rules apply to everything under it. */
interface Root {
  readonly dir: string;
  readonly rules: readonly IgnoreRule[];
}

function ignored(root: Root, path: string, name: string, isDirectory: boolean): boolean {
  const rel = relative(root.dir, path).split(sep).join("/");
  return root.rules.some((r) => (!r.directoryOnly || isDirectory) && r.pattern.test(r.anchored ? rel : name));
}

async function readRoot(dir: string): Promise<Root> {
  const text = await readFile(join(dir, IGNORE_FILE), "utf8").catch(() => "");
  return { dir, rules: parseIgnoreFile(text) };
}

interface Walk {
  readonly files: string[];
  readonly problems: Problem[];
  /** Real paths already visited, so symlink loops end. */
  readonly visited: Set<string>;
}

async function walkDirectory(dir: string, root: Root, walk: Walk): Promise<void> {
  const real = await realpath(dir);
  if (walk.visited.has(real)) return;
  walk.visited.add(real);
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const info = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
    if (info === undefined) continue;
    if (info.isDirectory()) {
      if (!skipDirectory(entry.name) && !ignored(root, path, entry.name, true)) await walkDirectory(path, root, walk);
    } else if (info.isFile() && isKoreoFile(entry.name) && !ignored(root, path, entry.name, false)) {
      walk.files.push(path);
    }
  }
}

/** The files one command-line path stands for; false when the path cannot be read. */
async function collect(path: string, walk: Walk): Promise<boolean> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) await walkDirectory(path, await readRoot(path), walk);
    else walk.files.push(path); // An explicitly named file is loaded whatever its suffix.
    return true;
  } catch (error) {
    walk.problems.push(fileProblem(path, `cannot read: ${errorText(error)}`));
    return false;
  }
}

/** A file's text: bounded in size, and UTF-8 (FT-34) or a Problem at the first bad byte. */
export async function readTextFile(file: string): Promise<{ text: string } | { problem: Problem }> {
  try {
    const info = await stat(file);
    if (info.size > LIMITS.maxFileBytes) {
      return { problem: fileProblem(file, `file too large (${info.size} bytes; the limit is ${LIMITS.maxFileBytes} bytes)`) };
    }
    const decoded = decodeUtf8(await readFile(file));
    if (decoded.ok) return { text: decoded.text };
    const byte = `0x${decoded.byte.toString(16).toUpperCase().padStart(2, "0")}`;
    return {
      problem: problem("error", `not valid UTF-8 (byte ${byte}); save the file as UTF-8`, { position: { file, line: decoded.line, column: decoded.column } }),
    };
  } catch (error) {
    return { problem: fileProblem(file, `cannot read: ${errorText(error)}`) };
  }
}

export interface PathsLoadResult extends LoadResult {
  /** Paths given that were read but hold no Koreo definition and no error (nothing to test or validate there). */
  readonly emptyPaths: readonly string[];
}

export async function loadPaths(paths: readonly string[]): Promise<PathsLoadResult> {
  const walk: Walk = { files: [], problems: [], visited: new Set() };
  const perPath: Array<{ path: string; files: Set<string> }> = [];
  for (const path of paths) {
    const before = walk.files.length;
    // Each path is walked on its own (overlapping paths find the same files; they are read once).
    walk.visited.clear();
    if (await collect(path, walk)) perPath.push({ path, files: new Set(walk.files.slice(before)) });
  }
  const result = emptyLoadResult();
  result.problems.push(...walk.problems);
  const texts: Array<{ text: string; file: string }> = [];
  for (const file of [...new Set(walk.files)]) {
    const read = await readTextFile(file);
    if ("problem" in read) result.problems.push(read.problem);
    else texts.push({ text: read.text, file });
  }
  const loaded = loadTexts(texts, result);
  const used = new Set([...loaded.definitions.map((d) => d.source?.file), ...loaded.problems.filter((p) => p.severity === "error").map((p) => p.file)]);
  const emptyPaths = perPath.filter((p) => ![...p.files].some((f) => used.has(f))).map((p) => p.path);
  return { ...loaded, emptyPaths };
}

export type YamlFile = { readonly ok: true; readonly values: readonly Value[] } | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * FT-34: a YAML file the CLI reads as data (`koreo render --trigger/--cluster`, `koreo
 * eval --inputs @file`), with the same limits, encoding check and YAML 1.1 scalars as
 * definitions; problems are positioned in the file.
 */
export async function readYamlFile(file: string): Promise<YamlFile> {
  const read = await readTextFile(file);
  if ("problem" in read) return { ok: false, problems: [read.problem] };
  return yamlValues(read.text, file);
}

/** `readYamlFile` on text already in hand (`--inputs '{…}'`), `file` naming where it came from. */
export function yamlValues(text: string, file: string): YamlFile {
  const parsed = parseYamlValues(text, file);
  if (parsed.ok) return parsed;
  return { ok: false, problems: parsed.failures.map((f) => problem("error", f.message, { position: f.position })) };
}
