/**
 * The boundaries the layout promises, checked: the engine (pure, prepare once and
 * evaluate many) reaches the world only through ports, and no two subsystems
 * depend on each other in a circle. Read from the import statements of src/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = "src";

/** Folders that form the engine; they may import each other and the ports only. */
const ENGINE = new Set(["value", "outcome", "expressions", "definitions", "logic", "workflow", "function-test", "program", "ports"]);
/** The ClusterApi port's face: the contract and its pure metadata readers (its adapters have their own face). */
const PORT_FILES = new Set(["cluster/index.ts"]);
/** Packages that talk to the outside world; only adapters may import them. */
const ADAPTER_PACKAGES = [
  /^@kubernetes\/client-node/,
  /^@aws-sdk\//,
  /^@aws-lambda-powertools\//,
  /^@smithy\//,
  /^hono/,
  /^fauxqs/,
  /^node:(http|https|net|child_process)$/,
];

interface Import {
  readonly from: string;
  /** A path relative to src/ for a relative import, else the package name. */
  readonly to: string;
  readonly local: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Every import (and re-export) of every source file, paths relative to src/ or package names. */
function imports(): Import[] {
  return sourceFiles(SRC).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => {
      const spec = m[1] as string;
      const local = spec.startsWith(".");
      return { from: relative(SRC, file), to: local ? relative(SRC, resolve(dirname(file), spec)) : spec, local };
    });
  });
}

const folderOf = (path: string): string => path.split("/")[0] as string;
const all = imports();
const local = all.filter((i) => i.local);

test("boundaries: the engine imports no adapter folder and no I/O package", () => {
  const crossings = all
    .filter((i) => ENGINE.has(folderOf(i.from)))
    .filter((i) => (i.local ? !ENGINE.has(folderOf(i.to)) && !PORT_FILES.has(i.to) : ADAPTER_PACKAGES.some((p) => p.test(i.to))))
    .map((i) => `${i.from} → ${i.to}`);
  assert.deepEqual(crossings, []);
});

test("boundaries: no two folders of src/ import each other in a cycle", () => {
  const edges = new Map<string, Set<string>>();
  for (const i of local) {
    const [a, b] = [folderOf(i.from), folderOf(i.to)];
    if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
  }
  const cycles: string[] = [];
  const visiting: string[] = [];
  const done = new Set<string>();
  const visit = (node: string): void => {
    if (done.has(node)) return;
    const at = visiting.indexOf(node);
    if (at >= 0) {
      cycles.push([...visiting.slice(at), node].join(" → "));
      return;
    }
    visiting.push(node);
    for (const next of edges.get(node) ?? []) visit(next);
    visiting.pop();
    done.add(node);
  };
  for (const node of [...edges.keys()].sort()) visit(node);
  assert.deepEqual(cycles, []);
});

test("boundaries: the check sees the imports it judges (it is not vacuous)", () => {
  assert.ok(local.length > 300, `only ${local.length} local imports read`);
  assert.ok(
    local.some((i) => i.from.startsWith("workflow/") && i.to === "cluster/index.ts"),
    "the engine's use of the ClusterApi port is seen",
  );
});

const FOLDERS = readdirSync(SRC).filter((entry) => statSync(join(SRC, entry)).isDirectory());
/** A face: a folder's index.ts, or the face of its adapters (cluster/adapters, queue/adapters). */
const isFace = (path: string): boolean => /^[^/]+\/index\.ts$/.test(path) || /^[^/]+\/adapters\/index\.ts$/.test(path);
const HEADER = /^\/\*\*\n \* (.+)\n \* May import: (.+)\.\n \*\/\n/;

test("faces: every folder of src/ has an index.ts whose two-line header says what lives there and what it may import", () => {
  const faceless = FOLDERS.filter((folder) => !existsSync(join(SRC, folder, "index.ts")));
  assert.deepEqual(faceless, []);
  const unheaded = FOLDERS.filter((folder) => !HEADER.test(readFileSync(join(SRC, folder, "index.ts"), "utf8")));
  assert.deepEqual(unheaded, []);
});

test("faces: a folder reaches another folder only through that folder's face", () => {
  const around = local.filter((i) => folderOf(i.from) !== folderOf(i.to) && !isFace(i.to)).map((i) => `${i.from} → ${i.to}`);
  assert.deepEqual(around, []);
});

test("faces: each folder imports only the folders its header allows", () => {
  const allowed = new Map(
    FOLDERS.map((folder) => {
      const may = HEADER.exec(readFileSync(join(SRC, folder, "index.ts"), "utf8"))?.[2] ?? "";
      if (may.startsWith("any folder")) return [folder, undefined] as const;
      return [folder, new Set(may === "nothing" ? [] : may.split(",").map((name) => name.trim().split(" ")[0] as string))] as const;
    }),
  );
  const unlisted = local
    .filter((i) => folderOf(i.from) !== folderOf(i.to))
    .filter((i) => allowed.get(folderOf(i.from))?.has(folderOf(i.to)) === false)
    .map((i) => `${i.from} → ${i.to}`);
  assert.deepEqual(unlisted, []);
});

test("faces: the cluster port's face re-exports no adapter, so the engine never loads one", () => {
  const face = readFileSync(join(SRC, "cluster", "index.ts"), "utf8");
  assert.doesNotMatch(face, /from "\.\/adapters\//);
  const portFiles = all.filter((i) => i.from.startsWith("cluster/") && !i.from.startsWith("cluster/adapters/"));
  assert.deepEqual(
    portFiles.filter((i) => (i.local ? i.to.startsWith("cluster/adapters/") : ADAPTER_PACKAGES.some((p) => p.test(i.to)))).map((i) => `${i.from} → ${i.to}`),
    [],
  );
});
