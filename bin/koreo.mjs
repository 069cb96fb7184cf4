#!/usr/bin/env node
// The `koreo` command. Sources are TypeScript and a fresh clone works right after
// `npm ci`, with no build step: bin/cli-module.mjs loads them (an esbuild bundle
// it builds and caches, else tsx).
import { loadCli } from "./cli-module.mjs";

const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2));
