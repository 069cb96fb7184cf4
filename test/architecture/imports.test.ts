/**
 * The boundaries the layout promises, checked: the engine (pure, prepare once and
 * evaluate many) reaches the world only through ports, and no two subsystems
 * depend on each other in a circle. Read from the import statements of src/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = "src";

/** Folders that form the engine; they may import each other and the ports only. */
const ENGINE = new Set(["value", "outcome", "expressions", "definitions", "logic", "workflow", "function-test", "program", "ports"]);
/** Port files that live beside adapters: the ClusterApi contract and its pure metadata readers. */
const PORT_FILES = new Set(["cluster/cluster-api.ts", "cluster/object-meta.ts"]);
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
    local.some((i) => i.from.startsWith("workflow/") && i.to === "cluster/cluster-api.ts"),
    "the engine's use of the ClusterApi port is seen",
  );
});
