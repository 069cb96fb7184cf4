// Loads the CLI's module graph (src/cli/main.ts) for bin/koreo.mjs and for each
// local handler thread (bin/handler-thread.mjs), so both run the same build:
//  - The first run bundles src/ with esbuild (a devDependency) into
//    node_modules/.cache/koreo/<fingerprint>/; later runs load that bundle, which
//    skips compiling TypeScript in every process (the bulk of a cold start).
//  - The fingerprint covers the path, size and mtime of every file and folder under
//    src/, tsconfig.json, the bin/ launchers and the esbuild version. Any edit, added or
//    removed file gives a new fingerprint and so a new bundle: stale code never runs.
//  - Dependencies stay external (loaded from node_modules as usual), and
//    `import.meta.url` keeps each source file's own URL, so paths such as
//    infra/crds/ resolve exactly as they do from source.
//  - If esbuild is missing (production install) or the build fails, tsx compiles
//    on the fly as before. KOREO_NO_BUNDLE=1 forces that; KOREO_BUNDLE_DEBUG=1 says why.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SRC = join(ROOT, "src");
const ENTRY = join(SRC, "cli", "main.ts");
const CACHE = join(ROOT, "node_modules", ".cache", "koreo");
/** Older bundles are removed once this old (a long-running command may still load its chunks). */
const KEEP_OLD_MS = 60 * 60 * 1000;

function debug(message) {
  if (process.env.KOREO_BUNDLE_DEBUG) process.stderr.write(`koreo: ${message}\n`);
}

/** One line per file and folder under `dir`: enough to notice any edit, addition, removal or rename. */
function describeTree(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const stat = statSync(path);
    out.push(`${relative(ROOT, path)}\t${stat.isDirectory() ? "d" : stat.size}\t${stat.mtimeMs}`);
    if (entry.isDirectory()) describeTree(path, out);
  }
  return out;
}

function fingerprint(esbuildVersion) {
  const lines = describeTree(SRC, []);
  for (const file of [fileURLToPath(import.meta.url), join(ROOT, "bin", "koreo.mjs"), join(ROOT, "bin", "handler-thread.mjs"), join(ROOT, "tsconfig.json")]) {
    const stat = statSync(file, { throwIfNoEntry: false });
    lines.push(`${relative(ROOT, file)}\t${stat?.size}\t${stat?.mtimeMs}`);
  }
  lines.push(`esbuild ${esbuildVersion}`, `node ${process.version}`);
  return createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 24);
}

/** Each source file keeps its own `import.meta.url`, as if it had not been bundled. */
const keepImportMeta = {
  name: "koreo-import-meta",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (args.path.includes(`${join("node_modules", "")}`)) return undefined;
      const source = readFileSync(args.path, "utf8");
      if (!source.includes("import.meta")) return undefined;
      const url = pathToFileURL(args.path).href;
      const contents = source
        .replaceAll("import.meta.url", JSON.stringify(url))
        .replaceAll("import.meta.dirname", JSON.stringify(dirname(args.path)))
        .replaceAll("import.meta.filename", JSON.stringify(args.path));
      return { contents, loader: "ts" };
    });
  },
};

function removeOldBundles(keep) {
  for (const entry of readdirSync(CACHE)) {
    if (entry === keep) continue;
    const path = join(CACHE, entry);
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another process may be removing it too.
    }
  }
}

/** The bundle's entry for the current sources, building it when needed; undefined to fall back to tsx. */
async function bundledEntry() {
  if (process.env.KOREO_NO_BUNDLE) return undefined;
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    debug("esbuild not installed; using tsx");
    return undefined;
  }
  const key = fingerprint(esbuild.version);
  const dir = join(CACHE, key);
  const entry = join(dir, "main.mjs");
  if (existsSync(entry)) return entry;
  const building = join(CACHE, `.build-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(CACHE, { recursive: true });
    await esbuild.build({
      entryPoints: { main: ENTRY },
      outdir: building,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      outExtension: { ".js": ".mjs" },
      chunkNames: "chunks/[name]-[hash]",
      sourcemap: "linked",
      sourcesContent: false,
      logLevel: "silent",
      plugins: [keepImportMeta],
    });
    try {
      renameSync(building, dir);
    } catch {
      // A concurrent run published the same bundle first; use it.
      rmSync(building, { recursive: true, force: true });
    }
    removeOldBundles(key);
    return existsSync(entry) ? entry : undefined;
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    debug(`bundling failed, using tsx: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** The module namespace of src/cli/main.ts: from the bundle, else compiled by tsx. */
export async function loadCli() {
  const entry = await bundledEntry();
  if (entry !== undefined) {
    process.setSourceMapsEnabled(true);
    return import(pathToFileURL(entry).href);
  }
  const { register } = await import("tsx/esm/api");
  register();
  return import("../src/cli/main.ts");
}
