/**
 * The one module of the definitions layer that touches the file system: finds Koreo
 * files (recursively, sorted, FT-33 suffixes), enforces the size limit before reading,
 * and hands the texts to the pure loader. Never rejects: unreadable paths are Problems.
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Problem } from "./definition.ts";
import { LIMITS } from "./limits.ts";
import { emptyLoadResult, loadTexts, type LoadResult } from "./load.ts";
import { problem } from "./problem.ts";

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

interface Walk {
  readonly files: string[];
  readonly problems: Problem[];
  /** Real paths already visited, so symlink loops end. */
  readonly visited: Set<string>;
}

async function walkDirectory(dir: string, walk: Walk): Promise<void> {
  const real = await realpath(dir);
  if (walk.visited.has(real)) return;
  walk.visited.add(real);
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const info = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
    if (info === undefined) continue;
    if (info.isDirectory()) {
      if (!skipDirectory(entry.name)) await walkDirectory(path, walk);
    } else if (info.isFile() && isKoreoFile(entry.name)) {
      walk.files.push(path);
    }
  }
}

async function collect(path: string, walk: Walk): Promise<void> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) await walkDirectory(path, walk);
    else walk.files.push(path); // An explicitly named file is loaded whatever its suffix.
  } catch (error) {
    walk.problems.push(fileProblem(path, `cannot read: ${errorText(error)}`));
  }
}

async function readBounded(file: string): Promise<{ text: string } | { problem: Problem }> {
  try {
    const info = await stat(file);
    if (info.size > LIMITS.maxFileBytes) {
      return { problem: fileProblem(file, `file too large (${info.size} bytes; the limit is ${LIMITS.maxFileBytes} bytes)`) };
    }
    return { text: await readFile(file, "utf8") };
  } catch (error) {
    return { problem: fileProblem(file, `cannot read: ${errorText(error)}`) };
  }
}

export async function loadPaths(paths: readonly string[]): Promise<LoadResult> {
  const walk: Walk = { files: [], problems: [], visited: new Set() };
  for (const path of paths) await collect(path, walk);
  const result = emptyLoadResult();
  result.problems.push(...walk.problems);
  const texts: Array<{ text: string; file: string }> = [];
  for (const file of [...new Set(walk.files)]) {
    const read = await readBounded(file);
    if ("problem" in read) result.problems.push(read.problem);
    else texts.push({ text: read.text, file });
  }
  return loadTexts(texts, result);
}
