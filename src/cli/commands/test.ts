/**
 * `koreo test [PATH…]` (CLI-12, FT-33): load every definition under the paths,
 * prepare them together, run the FunctionTests offline and report.
 * Exit 0 all passed, 1 any failed, 2 usage error or definitions that cannot be loaded.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatProblem, loadPaths, loadRegistry } from "../../definitions/index.ts";
import { KOREO_PREPARERS } from "../../program/index.ts";
import { runAllTests, type TestRun } from "../../function-test/index.ts";
import { paletteFor } from "../report/colour.ts";
import { jsonReport } from "../report/json.ts";
import { junitReport } from "../report/junit.ts";
import { textReport } from "../report/text.ts";

const HELP = `usage: koreo test [PATH…] [options]

Runs every FunctionTest found in the given files and folders (default: .),
offline, against a simulated cluster. Folders are walked recursively for
*.koreo, *.k, *.yaml and *.yml files, skipping dot-directories, node_modules
and whatever a .koreoignore file at the folder's root lists (one name or
path per line, gitignore-style). Documents that are not Koreo kinds are skipped.

options:
  -t, --filter NAME     only tests whose name contains NAME
      --format FORMAT   text (default), json or junit
      --json            same as --format json
      --junit FILE      also write a JUnit XML report to FILE
      --bail            stop after the first failing test
  -h, --help            show this help

exit status: 0 all tests passed, 1 a test failed, 2 usage error or unloadable definitions`;

const FORMATS = ["text", "json", "junit"] as const;
type Format = (typeof FORMATS)[number];

interface TestArgs {
  readonly paths: string[];
  readonly filter?: string;
  readonly format: Format;
  readonly junitFile?: string;
  readonly bail: boolean;
  readonly help: boolean;
}

function parse(args: string[]): TestArgs | string {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        filter: { type: "string", short: "t" },
        format: { type: "string" },
        json: { type: "boolean" },
        junit: { type: "string" },
        bail: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    const format = values.json === true ? "json" : (values.format ?? "text");
    if (!FORMATS.includes(format as Format)) return `unknown format '${format}' (expected text, json or junit)`;
    return {
      paths: positionals.length > 0 ? positionals : ["."],
      format: format as Format,
      bail: values.bail === true,
      help: values.help === true,
      ...(values.filter === undefined ? {} : { filter: values.filter }),
      ...(values.junit === undefined ? {} : { junitFile: values.junit }),
    };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === "string") {
    console.error(`koreo test: ${parsed}\n\n${HELP}`);
    return 2;
  }
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const loaded = await loadPaths(parsed.paths);
  const loadErrors = loaded.problems.filter((p) => p.severity === "error");
  if (loadErrors.length > 0) {
    for (const p of loadErrors) console.error(formatProblem(p));
    console.error(`koreo test: ${loadErrors.length} definition error(s); no tests were run`);
    return 2;
  }
  // FT-7: everything is loaded before anything is prepared, so file order never matters.
  const { registry } = loadRegistry(loaded, KOREO_PREPARERS);
  const runs = await runAllTests(registry, { ...(parsed.filter === undefined ? {} : { filter: parsed.filter }), bail: parsed.bail });
  // CLI-12: zero tests among definitions is a warning, and so is one path without definitions
  // (a folder of CRDs beside the programs). Nothing Koreo in any path is almost always a wrong
  // path, so that run fails rather than passing vacuously.
  const nothing = loaded.definitions.length === 0;
  for (const path of loaded.emptyPaths) console.error(`koreo test: ${nothing ? "error" : "warning"}: no Koreo definitions found in ${path}`);
  if (runs.length === 0 && !nothing) console.error(`koreo test: warning: no FunctionTests found in ${parsed.paths.join(", ")}`);
  if (parsed.junitFile !== undefined) await writeFile(parsed.junitFile, junitReport(runs));
  console.log(render(runs, parsed.format));
  return !nothing && runs.every((r) => r.result.passed) ? 0 : 1;
}

function render(runs: readonly TestRun[], format: Format): string {
  switch (format) {
    case "json":
      return jsonReport(runs);
    case "junit":
      return junitReport(runs);
    case "text":
      return textReport(runs, paletteFor(process.stdout.isTTY === true, process.env));
  }
}
