/**
 * `koreo plan PATH… [-n NS] [-A] [--output text|json]`: what changing definitions would do to
 * the triggers already in the cluster, before applying them. The files are laid over the
 * cluster's definitions; every trigger whose Workflow reaches a changed definition is dry-run
 * twice (current, changed) against the live cluster with reads only, and the recorded writes
 * are compared. Exit 0 nothing would change, 1 changes (as `kubectl diff`), 2 error.
 */
import { parseArgs } from "node:util";
import { runCommand } from "../command.ts";
import type { ClusterApi } from "../../cluster/index.ts";
import { ALL_NAMESPACES } from "../../config/index.ts";
import { formatProblem, loadPaths, type Definition, type Problem } from "../../definitions/index.ts";
import { fixedClock } from "../../ports/index.ts";
import {
  affectedWorkflows,
  exitStatus,
  overlay,
  placeChanges,
  readClusterDefinitions,
  renderPlanJson,
  renderPlanText,
  resolvedByCluster,
  runPlan,
  type PlanRegistries,
  type TriggerPlan,
} from "../../operations/index.ts";
import { paletteFor } from "../report/colour.ts";
import { CLUSTER_HELP, CLUSTER_OPTIONS, connect, DEFAULT_NAMESPACE, parseError } from "../cluster-options.ts";
import { validateLoaded } from "./validate.ts";

const HELP = `usage: koreo plan PATH… [-n NS] [-A] [--output text|json] [--definitions-namespace NS,…] [--concurrency N]

Shows what applying the Koreo definitions in PATH would change, without
changing anything. The definitions are validated as by \`koreo validate\`
(references may point at definitions already in the cluster), laid over the
definitions in the cluster, and every trigger whose Workflow reaches a changed
definition (steps, refSwitch cases, sub-Workflows, overlayRef ValueFunctions,
resourceTemplateRef templates) is reconciled twice against the live cluster —
with the current definitions, then with the changed ones — recording writes
instead of sending them. For each trigger whose run would differ it prints the
outcome before → after and every create, patch or delete that differs, field
by field; failures come first; the last line sums it up.

A document's own metadata.namespace wins; otherwise --namespace, otherwise
"default" (as \`koreo apply\` places it).

options:
  -n, --namespace NS      the namespace of documents that name none, and (without
                          -A) where triggers are planned (default "default")
  -A, --all-namespaces    plan the triggers of every namespace
  -o, --output FORMAT     text (default) or json
      --definitions-namespace NS,…
                          the runtime's definition namespaces, highest priority
                          first (CTL-2, KOREO_NAMESPACE; default: every namespace)
      --concurrency N     triggers planned at once (default 8)
${CLUSTER_HELP}
  -h, --help              show this help

Nothing is ever written: only GET and LIST requests reach the cluster.

exit status: 0 nothing would change, 1 changes, 2 error (invalid definitions,
API error, a dry run that could not complete, usage)`;

interface PlanArgs {
  readonly paths: string[];
  /** undefined: every namespace. */
  readonly triggerNamespace: string | undefined;
  /** `--namespace` when given explicitly. */
  readonly namespace: string | undefined;
  readonly output: "text" | "json";
  readonly definitionNamespaces: readonly string[];
  readonly concurrency: number;
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
}

const OPTIONS = {
  ...CLUSTER_OPTIONS,
  "all-namespaces": { type: "boolean", short: "A" },
  output: { type: "string", short: "o" },
  "definitions-namespace": { type: "string" },
  concurrency: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const DEFAULT_CONCURRENCY = 8;
/** Above this many triggers the progress line shows even when stderr is not a terminal. */
const PROGRESS_THRESHOLD = 50;

function parse(args: string[]): PlanArgs | "help" | string {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
    if (values.help === true) return "help";
    if (positionals.length === 0) return "at least one PATH is required";
    const all = values["all-namespaces"] === true;
    if (values.namespace === "") return "--namespace must not be empty";
    const output = values.output ?? "text";
    if (output !== "text" && output !== "json") return `unknown output '${output}' (expected text or json)`;
    const concurrency = Number(values.concurrency ?? DEFAULT_CONCURRENCY);
    if (!Number.isInteger(concurrency) || concurrency < 1) return "--concurrency must be a positive integer";
    return {
      paths: positionals,
      triggerNamespace: all ? undefined : (values.namespace ?? DEFAULT_NAMESPACE),
      namespace: values.namespace,
      output,
      definitionNamespaces: namespaceList(values["definitions-namespace"]),
      concurrency,
      kubeconfig: values.kubeconfig,
      context: values.context,
    };
  } catch (error) {
    return parseError(error);
  }
}

function namespaceList(text: string | undefined): string[] {
  const list = (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return list.length > 0 ? list : [ALL_NAMESPACES];
}

export async function run(args: string[]): Promise<number> {
  return runCommand("plan", HELP, parse(args), plan);
}

function fail(message: string): number {
  console.error(`koreo plan: ${message}`);
  return 2;
}

async function plan(args: PlanArgs): Promise<number> {
  const loaded = await loadPaths(args.paths);
  if (loaded.definitions.length === 0 && loaded.problems.length === 0) return fail(`no Koreo definitions found in ${args.paths.join(", ")}`);
  const connection = connect(args);
  if (typeof connection === "string") return fail(connection);
  const cluster: ClusterApi = connection.cluster;
  const current = await readClusterDefinitions(cluster, args.definitionNamespaces);
  if (typeof current === "string") return fail(current);
  for (const skipped of current.skipped)
    console.error(`koreo plan: warning: skipping an unreadable definition in the cluster (as the runtime does): ${skipped}`);
  const registries = prepare(args, loaded.definitions, current.definitions, validateLoaded(loaded));
  if (typeof registries === "number") return registries;
  return planTriggers(args, cluster, registries);
}

/** Validation (against files and cluster together), placement and the two registries; an exit status when something is wrong. */
function prepare(args: PlanArgs, files: readonly Definition[], inCluster: readonly Definition[], validation: readonly Problem[]): PlanRegistries | number {
  const placed = placeChanges(files, args.namespace, DEFAULT_NAMESPACE);
  const registries = overlay(inCluster, placed.definitions, { namespaces: args.definitionNamespaces });
  const has = (kind: Definition["kind"], name: string) => registries.before.get(kind, name) !== undefined;
  const problems = [...validation.filter((p) => !resolvedByCluster(p, has)), ...placed.problems].filter((p) => p.severity !== "info");
  for (const p of problems) console.error(formatProblem(p));
  if (problems.some((p) => p.severity === "error")) return fail("the definitions in PATH have errors; nothing was planned");
  for (const d of registries.shadowed) console.error(`koreo plan: warning: ${shadowText(d, registries)}`);
  return registries;
}

function shadowText(d: Definition, registries: PlanRegistries): string {
  const winner = registries.after.get(d.kind, d.name)?.definition.namespace ?? "(none)";
  return `${d.kind}/${d.name} in namespace ${d.namespace ?? "(none)"} would not be used: the copy in ${winner} wins (CTL-2; set its namespace or -n)`;
}

async function planTriggers(args: PlanArgs, cluster: ClusterApi, registries: PlanRegistries): Promise<number> {
  const workflows = affectedWorkflows(registries);
  if (args.output === "text") for (const line of header(registries, workflows)) console.log(line);
  const result = await runPlan({
    cluster,
    registries,
    workflows,
    namespace: args.triggerNamespace,
    clock: fixedClock(Date.now()),
    concurrency: args.concurrency,
    onProgress: progressReporter(),
  });
  if (!result.ok) return fail(result.error);
  printPlan(args, result.triggers);
  return exitStatus(result.triggers);
}

function header(registries: PlanRegistries, workflows: ReadonlySet<string>): string[] {
  if (registries.changed.length === 0) return ["No definition in PATH differs from the cluster's."];
  const changed = registries.changed.map((r) => `${r.kind}/${r.name}`).join(", ");
  const reached = workflows.size === 0 ? "none" : [...workflows].sort().join(", ");
  return [`Changed: ${changed}`, `Workflows reaching a change: ${reached}`, ""];
}

function printPlan(args: PlanArgs, triggers: readonly TriggerPlan[]): void {
  if (args.output === "json") {
    console.log(JSON.stringify(renderPlanJson(triggers), null, 2));
    return;
  }
  console.log(renderPlanText(triggers, paletteFor(process.stdout.isTTY === true, process.env)));
}

/**
 * A progress line on stderr for large fleets: rewritten in place on a terminal; otherwise,
 * above PROGRESS_THRESHOLD triggers, one line per tenth so logs stay short.
 */
function progressReporter(): (done: number, total: number) => void {
  const tty = process.stderr.isTTY === true;
  let lastTenth = -1;
  return (done, total) => {
    if (total === 0 || (!tty && total <= PROGRESS_THRESHOLD)) return;
    const text = `koreo plan: ${done}/${total} triggers planned`;
    if (tty) {
      process.stderr.write(`\r${text}${done === total ? "\n" : ""}`);
      return;
    }
    const tenth = Math.floor((done * 10) / total);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    process.stderr.write(`${text}\n`);
  };
}
