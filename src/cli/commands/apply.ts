/**
 * `koreo apply PATH… [-n NS] [--dry-run=client|server] [--include-crds]` (CLI-10):
 * validate every Koreo document exactly as `koreo validate` does, refuse on any error,
 * then server-side apply each one with field manager `koreo`.
 * Exit 0 success, 1 validation or API error, 2 usage error.
 */
import { parseArgs } from "node:util";
import type { ClusterApi, ClusterResult, KubeObject } from "../../cluster/index.ts";
import { refOf } from "../../cluster/index.ts";
import { formatProblem, loadPaths, type Problem } from "../../definitions/index.ts";
import { classifyApply, itemLabel, planApply, predictApply, type ApplyItem, type Change } from "../../operations/index.ts";
import { isList, isMap } from "../../value/index.ts";
import { paletteFor, type Palette } from "../report/colour.ts";
import { CLUSTER_HELP, CLUSTER_OPTIONS, connect, DEFAULT_NAMESPACE, parseError } from "../cluster-options.ts";
import { validateLoaded } from "./validate.ts";

const HELP = `usage: koreo apply PATH… [-n NS] [--dry-run=client|server] [--include-crds] [--create-namespaces] [--force-conflicts]

Loads every Koreo definition in the given files and folders, validates them as
\`koreo validate\` does (nothing is applied if any error is found), then
server-side applies each one (field manager "koreo"), dependencies first, and
prints one line per object: created|configured|unchanged <Kind>/<ns>/<name>.

A document's own metadata.namespace wins; otherwise --namespace, otherwise
"default". An explicit --namespace that differs from a document's namespace
is an error, never a silent override. Namespaces must exist, unless
--create-namespaces is given.

CustomResourceDefinition documents among the files (for example infra/crds/ or
a trigger's CRD) are skipped unless --include-crds is given: CRDs are
cluster-wide and usually owned by whoever administers the cluster. With it,
they are applied first and waited for (Established) before the definitions.
Other non-Koreo documents are always ignored.

options:
  -n, --namespace NS      namespace for documents that do not name one
      --dry-run MODE      client: compare with the live objects, write nothing;
                          server: send the applies with dryRun=All
      --include-crds      also apply CustomResourceDefinition documents
      --create-namespaces apply a Namespace for each target namespace first
      --force-conflicts   take over fields owned by other field managers
${CLUSTER_HELP}
  -h, --help              show this help

exit status: 0 applied, 1 validation or API error, 2 usage error`;

type DryRun = "none" | "client" | "server";

interface ApplyArgs {
  readonly paths: string[];
  readonly namespace: string | undefined;
  readonly dryRun: DryRun;
  readonly includeCrds: boolean;
  readonly createNamespaces: boolean;
  readonly force: boolean;
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  readonly help: boolean;
}

const OPTIONS = {
  ...CLUSTER_OPTIONS,
  "dry-run": { type: "string" },
  "include-crds": { type: "boolean" },
  "create-namespaces": { type: "boolean" },
  "force-conflicts": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function parse(args: string[]): ApplyArgs | string {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
    const dryRun = values["dry-run"] ?? "none";
    if (dryRun !== "none" && dryRun !== "client" && dryRun !== "server") return `--dry-run must be client or server, not '${dryRun}'`;
    if (values.namespace === "") return "--namespace must not be empty";
    if (positionals.length === 0 && values.help !== true) return "no PATH given";
    return {
      paths: positionals,
      namespace: values.namespace,
      dryRun,
      includeCrds: values["include-crds"] === true,
      createNamespaces: values["create-namespaces"] === true,
      force: values["force-conflicts"] === true,
      kubeconfig: values.kubeconfig,
      context: values.context,
      help: values.help === true,
    };
  } catch (error) {
    return parseError(error);
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === "string") {
    console.error(`koreo apply: ${parsed}\n\n${HELP}`);
    return 2;
  }
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  return applyPaths(parsed);
}

async function applyPaths(args: ApplyArgs): Promise<number> {
  // CLI-10: the same validation as `koreo validate` (CLI-11), so apply never ships what validate rejects.
  // The files are read once: what was validated is what gets applied.
  const loaded = await loadPaths(args.paths);
  if (reportProblems(validateLoaded(loaded))) return 1;
  const plan = planApply(loaded.definitions, loaded.foreign, {
    namespace: args.namespace,
    defaultNamespace: DEFAULT_NAMESPACE,
    includeCrds: args.includeCrds,
    createNamespaces: args.createNamespaces,
  });
  if (reportProblems(plan.problems)) return 1;
  if (plan.items.length === 0) {
    console.error("koreo apply: no Koreo definitions found in the given paths");
    return 0;
  }
  const connection = connect(args);
  if (typeof connection === "string") {
    console.error(`koreo apply: ${connection}`);
    return 1;
  }
  return applyItems(connection.cluster, plan.items, args);
}

/**
 * Prints errors and warnings as `koreo validate` does; true when any is an error. Info
 * lines (documents that are not Koreo kinds, CLI-11) are left to `koreo validate`: apply
 * skips those documents, or applies CRDs with --include-crds.
 */
function reportProblems(problems: readonly Problem[]): boolean {
  for (const p of problems) if (p.severity !== "info") console.error(formatProblem(p));
  return problems.some((p) => p.severity === "error");
}

async function applyItems(cluster: ClusterApi, items: readonly ApplyItem[], args: ApplyArgs): Promise<number> {
  const crds = items.filter((i) => i.kind === "CustomResourceDefinition");
  const definitions = items.filter((i) => i.kind !== "CustomResourceDefinition");
  const crdsFailed = await applyEach(cluster, crds, args);
  // The definitions' kinds may come from CRDs created a moment ago: wait until they are served.
  const waitFailed = crds.length > 0 && args.dryRun === "none" && !(await waitForCrds(cluster, crds));
  const definitionsFailed = await applyEach(cluster, definitions, args);
  return crdsFailed || waitFailed || definitionsFailed ? 1 : 0;
}

/** Applies each item in order, carrying on past failures so one run reports them all; true if any failed. */
async function applyEach(cluster: ClusterApi, items: readonly ApplyItem[], args: ApplyArgs): Promise<boolean> {
  const palette = paletteFor(process.stdout.isTTY === true, process.env);
  let failed = false;
  for (const item of items) {
    const outcome = await applyOne(cluster, item, args);
    if (!outcome.ok) {
      failed = true;
      console.error(`error: ${itemLabel(item)}: ${outcome.message}`);
      continue;
    }
    console.log(`${colourChange(palette, outcome.change)} ${itemLabel(item)}${dryRunSuffix(args.dryRun)}`);
  }
  return failed;
}

type Outcome = { readonly ok: true; readonly change: Change } | { readonly ok: false; readonly message: string };

async function applyOne(cluster: ClusterApi, item: ApplyItem, args: ApplyArgs): Promise<Outcome> {
  const before = await current(cluster, item.object);
  if (typeof before === "string") return { ok: false, message: before };
  if (args.dryRun === "client") return { ok: true, change: predictApply(item.object, before ?? undefined) };
  const applied = await cluster.apply(item.object, { fieldManager: "koreo", force: args.force, dryRun: args.dryRun === "server" });
  if (!applied.ok) return { ok: false, message: applyError(applied) };
  return { ok: true, change: classifyApply(before ?? undefined, applied.value, args.dryRun === "server") };
}

/** The live object, null when absent, or an error message. */
async function current(cluster: ClusterApi, object: KubeObject): Promise<KubeObject | null | string> {
  const got = await cluster.get(refOf(object));
  if (got.ok) return got.value;
  // A kind the server does not serve yet (its CRD comes in this apply, or is missing) reads as absent;
  // the apply itself then says whether the kind exists.
  return got.error.reason === "NotFound" ? null : got.error.message;
}

function applyError(result: Extract<ClusterResult<KubeObject>, { ok: false }>): string {
  const message = result.error.message;
  if (result.error.reason === "Conflict") return `${message} (another field manager owns these fields; --force-conflicts takes them over)`;
  if (/^namespaces? "[^"]*" not found/.test(message)) return `${message} (--create-namespaces creates it)`;
  return message;
}

function dryRunSuffix(dryRun: DryRun): string {
  if (dryRun === "client") return " (dry run)";
  return dryRun === "server" ? " (server dry run)" : "";
}

function colourChange(palette: Palette, change: Change): string {
  if (change === "created") return palette.green(change);
  return change === "configured" ? palette.bold(change) : palette.dim(change);
}

const CRD_WAIT_ATTEMPTS = 60;
const CRD_WAIT_INTERVAL_MS = 500;

/** Waits (bounded, about 30 s) for every applied CRD to report Established=True. */
async function waitForCrds(cluster: ClusterApi, crds: readonly ApplyItem[]): Promise<boolean> {
  for (let attempt = 0; attempt < CRD_WAIT_ATTEMPTS; attempt++) {
    const states = await Promise.all(crds.map((crd) => isEstablished(cluster, crd.object)));
    if (states.every(Boolean)) return true;
    await new Promise((resolve) => setTimeout(resolve, CRD_WAIT_INTERVAL_MS));
  }
  console.error("error: CustomResourceDefinitions not Established after 30 s; the definitions may fail to apply");
  return false;
}

async function isEstablished(cluster: ClusterApi, crd: KubeObject): Promise<boolean> {
  const got = await cluster.get(refOf(crd));
  if (!got.ok || !isMap(got.value.status) || !isList(got.value.status.conditions)) return false;
  return got.value.status.conditions.some((c) => isMap(c) && c.type === "Established" && c.status === "True");
}
