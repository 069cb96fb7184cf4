/**
 * `koreo prune [-n NS | -A] [--yes] [-v]` (CLI-3 recommendation): lists the ValueFunctions,
 * ResourceFunctions and ResourceTemplates nothing uses, and deletes them only with `--yes`
 * (the reference deletes by default; we do not copy that). Usage is computed by the
 * engine's preparers over every namespace (prune-plan.ts).
 * Exit 0 listed or deleted, 1 API error or unreadable definition, 2 usage error.
 */
import { runCommand } from "../command.ts";
import { parseArgs } from "node:util";
import type { ClusterApi, KubeObject } from "../../cluster/index.ts";
import { definitionFromObject, KOREO_API_VERSION, type Definition, type KoreoKind } from "../../definitions/index.ts";
import { PLURALS, planPrune, USAGE_KINDS, type PruneItem } from "../../operations/index.ts";
import { CLUSTER_HELP, CLUSTER_OPTIONS, connect, DEFAULT_NAMESPACE, parseError } from "../cluster-options.ts";

const HELP = `usage: koreo prune [-n NS | -A] [--yes] [-v]

Lists the ValueFunctions, ResourceFunctions and ResourceTemplates that nothing
uses, as "Orphaned <plural>: <namespace>/<name>". Nothing is deleted unless
--yes is given.

A definition is used when it can be reached from a Workflow (each step's ref
and every refSwitch case, sub-Workflows' steps, a ResourceFunction's overlayRef
ValueFunctions and its resourceTemplateRef) or from a FunctionTest: tests count
as users. References are resolved by kind and name only, as the engine resolves
them, so users are looked for in every namespace whatever -n says. When any
ResourceFunction names its template with an expression, no ResourceTemplate is
pruned (which one it picks is only known when it runs). Workflows and
FunctionTests themselves are never pruned.

options:
  -n, --namespace NS      prune in NS only (default "default")
  -A, --all-namespaces    prune in every namespace
  -y, --yes               delete the orphans (default: only list them)
  -v, --verbose           also list the kept definitions and what uses each
${CLUSTER_HELP}
  -h, --help              show this help

exit status: 0 listed or deleted (orphans or not), 1 API error or unreadable
definition, 2 usage error`;

interface PruneArgs {
  /** undefined: every namespace. */
  readonly namespace: string | undefined;
  readonly yes: boolean;
  readonly verbose: boolean;
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
}

const OPTIONS = {
  ...CLUSTER_OPTIONS,
  "all-namespaces": { type: "boolean", short: "A" },
  yes: { type: "boolean", short: "y" },
  verbose: { type: "boolean", short: "v", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

function parse(args: string[]): PruneArgs | "help" | string {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
    if (values.help === true) return "help";
    if (positionals.length > 0) return `unexpected argument '${positionals[0]}'`;
    const all = values["all-namespaces"] === true;
    if (all && values.namespace !== undefined) return "--namespace and --all-namespaces cannot be used together";
    return {
      namespace: all ? undefined : (values.namespace ?? DEFAULT_NAMESPACE),
      yes: values.yes === true,
      verbose: (values.verbose?.length ?? 0) > 0,
      kubeconfig: values.kubeconfig,
      context: values.context,
    };
  } catch (error) {
    return parseError(error);
  }
}

export async function run(args: string[]): Promise<number> {
  return runCommand("prune", HELP, parse(args), prune);
}

function fail(message: string): number {
  console.error(`koreo prune: ${message}`);
  return 1;
}

async function prune(args: PruneArgs): Promise<number> {
  const connection = connect(args);
  if (typeof connection === "string") return fail(connection);
  const definitions = await readDefinitions(connection.cluster);
  if (typeof definitions === "string") return fail(definitions);
  const plan = planPrune(definitions, { namespace: args.namespace });
  for (const note of plan.notes) console.log(`Note: ${note}`);
  if (args.verbose) for (const k of plan.kept) console.log(`Kept ${k.plural}: ${k.namespace}/${k.name} (${k.reason})`);
  if (!args.yes) return listOrphans(plan.orphans);
  return deleteOrphans(connection.cluster, plan.orphans);
}

function listOrphans(orphans: readonly PruneItem[]): number {
  for (const o of orphans) console.log(`Orphaned ${o.plural}: ${o.namespace}/${o.name}`);
  if (orphans.length > 0) console.log(`Dry run: ${orphans.length} orphaned definition(s) listed; run again with --yes to delete them.`);
  return 0;
}

async function deleteOrphans(cluster: ClusterApi, orphans: readonly PruneItem[]): Promise<number> {
  let failures = 0;
  for (const o of orphans) {
    console.log(`Deleting orphaned ${o.plural}: ${o.namespace}/${o.name}`);
    const deleted = await cluster.delete(
      { apiVersion: KOREO_API_VERSION, kind: o.kind, namespace: o.namespace, name: o.name, plural: o.plural },
      { plural: o.plural },
    );
    // Already gone is what we wanted; anything else is reported and the rest still goes.
    if (deleted.ok || deleted.error.reason === "NotFound") continue;
    console.error(`koreo prune: cannot delete ${o.plural} ${o.namespace}/${o.name}: ${deleted.error.message}`);
    failures++;
  }
  return failures === 0 ? 0 : 1;
}

/** Every Koreo definition in every namespace, or a message: an unreadable one could be a user, so prune stops. */
async function readDefinitions(cluster: ClusterApi): Promise<Definition[] | string> {
  const definitions: Definition[] = [];
  for (const kind of USAGE_KINDS) {
    const objects = await listKind(cluster, kind);
    if (typeof objects === "string") return objects;
    for (const object of objects) {
      const definition = definitionFromObject(object);
      if ("spec" in definition) definitions.push(definition);
      else return `cannot read a ${kind} (${definition.name ?? "unnamed"}): ${definition.message}`;
    }
  }
  return definitions;
}

async function listKind(cluster: ClusterApi, kind: KoreoKind): Promise<KubeObject[] | string> {
  const plural = PLURALS[kind];
  const listed = await cluster.list(KOREO_API_VERSION, kind, { plural });
  if (listed.ok) return listed.value.items;
  // The kind's CRD is not installed: there are none of them.
  if (listed.error.reason === "NotFound") return [];
  return `cannot list ${plural} in all namespaces (users of a definition may live in any namespace): ${listed.error.message}`;
}
