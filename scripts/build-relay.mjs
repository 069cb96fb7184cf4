#!/usr/bin/env node
// Bundles the watch relay (`koreo relay`, src/cli/commands/relay.ts) and every dependency
// it imports into ONE ES module, so its image runs `node relay.mjs` with no node_modules,
// no tsx and no TypeScript compile at start.
//   node scripts/build-relay.mjs [--outfile dist/relay/relay.mjs] [--metafile FILE]
// The entry accepts (and ignores) a leading "relay" argument, so `args: ["relay"]` in a
// manifest written for bin/koreo.mjs keeps working.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({ options: { outfile: { type: "string" }, metafile: { type: "string" } } });
const outfile = resolve(values.outfile ?? join(ROOT, "dist", "relay", "relay.mjs"));

const ENTRY = `
import { run } from "./src/cli/commands/relay.ts";
const args = process.argv.slice(2);
process.exitCode = await run(args[0] === "relay" ? args.slice(1) : args);
`;

const result = await esbuild.build({
  stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: "relay-entry.ts", loader: "ts" },
  outfile,
  bundle: true,
  format: "esm",
  platform: "node",
  // The image's Node (infra/relay/Dockerfile); the bundle also runs on Node 20.19+.
  target: "node20",
  // Some CommonJS dependencies call require() for Node built-ins; an ES module has no require of its own.
  banner: { js: 'import { createRequire as __koreoCreateRequire } from "node:module"; const require = __koreoCreateRequire(import.meta.url);' },
  legalComments: "none",
  // Not minified and no source map: stack traces keep the original function names, and esbuild's
  // `// src/relay/sender.ts` section comments say where a line came from, with no map to load.
  minifySyntax: true,
  metafile: true,
  logLevel: "warning",
});

mkdirSync(dirname(outfile), { recursive: true });
if (values.metafile) writeFileSync(values.metafile, JSON.stringify(result.metafile));
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)?.bytes ?? 0;
console.log(`${outfile}: ${(bytes / 1024).toFixed(0)} KiB`);
