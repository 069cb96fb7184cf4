#!/usr/bin/env node
// The `koreo` command. Sources are TypeScript; tsx compiles them on the fly so a
// fresh clone works right after `npm ci` with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
