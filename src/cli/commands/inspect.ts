/**
 * `koreo inspect KIND NAME [-n NS] [-v…] [--output text|json]` (CLI-14, as CLI-2):
 * prints a trigger and, through its `koreo.dev/managed-resources` annotation (ST-11),
 * every object its Workflow manages, marking the ones that are gone.
 * Exit 0 shown (missing managed objects included), 1 trigger not found / API error, 2 usage error.
 */
import { runCommand } from "../command.ts";
import { parseArgs } from "node:util";
import { inspect } from "../../operations/index.ts";
import { renderJson, renderText } from "../../operations/index.ts";
import { resolveKind } from "../../operations/index.ts";
import { paletteFor } from "../report/colour.ts";
import { CLUSTER_HELP, CLUSTER_OPTIONS, connect, DEFAULT_NAMESPACE, kindAndName, parseError } from "../cluster-options.ts";

const HELP = `usage: koreo inspect KIND NAME [-n NS] [-v…] [--output text|json] [--api-version V]

Shows a trigger (apiVersion, kind, name, namespace, uid) and, following its
koreo.dev/managed-resources annotation, each resource its Workflow manages
(recursively through forEach lists, sub-Workflows and managed objects that are
triggers themselves). Resources that no longer exist are marked MISSING.

KIND is a kind, plural or singular name, optionally qualified by its group
(webapp, WebApp, webapps.apps.acme.example), resolved through API discovery.

options:
  -n, --namespace NS      the trigger's namespace (default "default")
  -v, --verbose           repeatable: -v conditions, -vv also spec, -vvv whole objects
  -o, --output FORMAT     text (default) or json (the annotation's shape, resolved)
      --api-version V     the trigger's apiVersion (skips group discovery)
${CLUSTER_HELP}
  -h, --help              show this help

exit status: 0 shown, 1 trigger not found or API error, 2 usage error`;

interface InspectArgs {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly verbosity: number;
  readonly output: "text" | "json";
  readonly apiVersion: string | undefined;
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
}

const OPTIONS = {
  ...CLUSTER_OPTIONS,
  verbose: { type: "boolean", short: "v", multiple: true },
  output: { type: "string", short: "o" },
  "api-version": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function parse(args: string[]): InspectArgs | "help" | string {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
    if (values.help === true) return "help";
    const target = kindAndName(positionals);
    if (typeof target === "string") return target;
    const output = values.output ?? "text";
    if (output !== "text" && output !== "json") return `unknown output '${output}' (expected text or json)`;
    return {
      ...target,
      namespace: values.namespace ?? DEFAULT_NAMESPACE,
      verbosity: values.verbose?.length ?? 0,
      output,
      apiVersion: values["api-version"],
      kubeconfig: values.kubeconfig,
      context: values.context,
    };
  } catch (error) {
    return parseError(error);
  }
}

export async function run(args: string[]): Promise<number> {
  return runCommand("inspect", HELP, parse(args), inspectTrigger);
}

function fail(message: string): number {
  console.error(`koreo inspect: ${message}`);
  return 1;
}

async function inspectTrigger(args: InspectArgs): Promise<number> {
  const connection = connect(args);
  if (typeof connection === "string") return fail(connection);
  const kind = await resolveKind(args.kind, connection.cluster, args.apiVersion);
  if (!kind.ok) return fail(kind.error.message);
  const { apiVersion, kind: kindName, plural, namespaced } = kind.value;
  const ref = { apiVersion, kind: kindName, plural, name: args.name, ...(namespaced ? { namespace: args.namespace } : {}) };
  const root = await inspect(ref, (r) => connection.cluster.get(r));
  if (root.missing) return fail(`${kindName} ${args.namespace}/${args.name} not found`);
  if (root.error !== undefined) return fail(root.error);
  const palette = paletteFor(process.stdout.isTTY === true, process.env);
  console.log(args.output === "json" ? JSON.stringify(renderJson(root, args.verbosity), null, 2) : renderText(root, args.verbosity, palette));
  return 0;
}
