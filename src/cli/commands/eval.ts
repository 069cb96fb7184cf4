/**
 * `koreo eval '<expression>' [--inputs '<yaml-or-json>' | --inputs @file]`
 * Evaluates one Koreo expression; the leading `=` is optional. Exit codes:
 * 0 success (JSON on stdout), 1 evaluation or preparation error (stderr), 2 usage.
 */
import { runCommand, wantsHelp } from "../command.ts";
import { formatProblem, readYamlFile, yamlValues, type YamlFile } from "../../definitions/index.ts";
import { evaluateSource, type Scope } from "../../expressions/index.ts";
import { isMap, toJsonText } from "../../value/index.ts";

const USAGE = `usage: koreo eval '<expression>' [--inputs '<yaml-or-json>' | --inputs @file]

Evaluates one Koreo expression (the leading '=' is optional) and prints the
result as JSON. --inputs is a map of variable name to value, e.g.
  koreo eval '=inputs.size * 2' --inputs '{inputs: {size: 3}}'
Ints and doubles are kept apart: 1 is an int, 1.0 a double.`;

interface Args {
  readonly expression: string;
  readonly inputs: string | undefined;
}

function parseArgs(args: readonly string[]): Args | string {
  let expression: string | undefined;
  let inputs: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--inputs" || a === "-i") {
      inputs = args[++i];
      if (inputs === undefined) return "--inputs needs a value";
    } else if (a.startsWith("--inputs=")) {
      inputs = a.slice("--inputs=".length);
    } else if (a.startsWith("-") && a.length > 1 && expression === undefined && !/^-[0-9.]/.test(a)) {
      return `unknown option '${a}'`;
    } else if (expression === undefined) {
      expression = a;
    } else {
      return `unexpected argument '${a}'`;
    }
  }
  return expression === undefined ? "missing expression" : { expression, inputs };
}

/**
 * YAML (a superset of JSON) read as definitions are (FT-34): ints as bigint, so `1` is an
 * int and `1.0` a double, and unquoted `yes`/`no`/`on`/`off` are booleans.
 */
async function readInputs(spec: string | undefined): Promise<Scope | string> {
  if (spec === undefined) return {};
  const read: YamlFile = spec.startsWith("@") ? await readYamlFile(spec.slice(1)) : yamlValues(spec, "--inputs");
  if (!read.ok) return read.problems.map(formatProblem).join("\n");
  if (read.values.length > 1) return "--inputs must be one YAML document, not several";
  const value = read.values[0] ?? {};
  return isMap(value) ? value : "--inputs must be a map of variable name to value";
}

export async function run(args: string[]): Promise<number> {
  return runCommand("eval", USAGE, wantsHelp(args) ? "help" : parseArgs(args), evaluate);
}

async function evaluate(parsed: Args): Promise<number> {
  const scope = await readInputs(parsed.inputs);
  if (typeof scope === "string") {
    console.error(`koreo eval: ${scope}`);
    return 2;
  }
  const result = evaluateSource(parsed.expression, scope, "koreo eval");
  if (!result.ok) {
    console.error(result.outcome.message ?? "evaluation failed");
    return 1;
  }
  console.log(toJsonText(result.value));
  return 0;
}
