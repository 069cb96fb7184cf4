/**
 * `koreo render <paths…> --trigger <file> [--cluster <files…>] [--passes N] [--output yaml|json]`:
 * runs reconciles of one trigger against an in-memory cluster seeded from files, and
 * prints each pass (outcome, next due delay, the trigger as patched, objects created
 * or changed). Time between passes passes logically. Exit 0 when the last pass is not
 * an error, 1 when it is (or the program has errors), 2 on usage errors.
 */
import { runCommand } from "../command.ts";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { createInMemoryCluster } from "../../cluster/adapters/index.ts";
import type { KubeObject } from "../../cluster/index.ts";
import { isCrd, metadataOf } from "../../cluster/index.ts";
import { formatProblem, readYamlFile, type ForeignDocument } from "../../definitions/index.ts";
import { loadProgram, renderPasses, type RenderPass } from "../../program/index.ts";
import type { Outcome } from "../../outcome/index.ts";
import { fixedClock } from "../../ports/index.ts";
import { DEFAULT_TIMINGS } from "../../config/index.ts";
import { decide } from "../../reconciler/index.ts";
import type { ReconcileReport } from "../../workflow/index.ts";
import { isMap, toPlain, type Value } from "../../value/index.ts";

const HELP = `usage: koreo render PATH… --trigger FILE [--cluster FILE…] [--passes N] [--output yaml|json]

Runs the Workflow bound to the trigger against an in-memory cluster, pass after
pass, as the controller would (time between passes is simulated), and prints what
each pass did.

options:
      --trigger FILE    the trigger object (required)
      --cluster FILE    objects that already exist (CRDs, Deployments…); repeatable
      --passes N        run exactly N passes (default: until not Retry, at most 10)
      --output FORMAT   yaml (default) or json
  -h, --help            show this help`;

interface Options {
  readonly paths: string[];
  readonly trigger: string;
  readonly cluster: string[];
  readonly passes?: number;
  readonly output: "yaml" | "json";
}

function parse(args: string[]): Options | "help" | string {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        trigger: { type: "string" },
        cluster: { type: "string", multiple: true },
        passes: { type: "string" },
        output: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) return "help";
    if (values.trigger === undefined) return "--trigger is required";
    if (positionals.length === 0) return "at least one program PATH is required";
    const output = values.output ?? "yaml";
    if (output !== "yaml" && output !== "json") return `unknown output '${output}' (expected yaml or json)`;
    const passes = values.passes === undefined ? undefined : Number(values.passes);
    if (passes !== undefined && !(Number.isInteger(passes) && passes > 0)) return `--passes must be a positive integer`;
    return { paths: positionals, trigger: values.trigger, cluster: values.cluster ?? [], output, ...(passes !== undefined && { passes }) };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The objects of a trigger or cluster file, read as kubectl would before applying them
 * (FT-34: `flag: yes` is the boolean true); problems are printed and give undefined.
 */
async function readObjects(file: string): Promise<KubeObject[] | undefined> {
  const read = await readYamlFile(file);
  if (!read.ok) {
    for (const p of read.problems) console.error(formatProblem(p));
    return undefined;
  }
  return read.values.filter((v): v is KubeObject => isMap(v) && typeof v.kind === "string");
}

export async function run(args: string[]): Promise<number> {
  return runCommand("render", HELP, parse(args), render);
}

async function render(options: Options): Promise<number> {
  const program = await loadProgram(options.paths);
  const errors = program.problems.filter((p) => p.severity === "error");
  for (const p of errors) console.error(formatProblem(p));
  const triggers = await readObjects(options.trigger);
  if (triggers === undefined) return 2;
  const [trigger] = triggers;
  if (trigger === undefined) {
    console.error(`koreo render: ${options.trigger} holds no object`);
    return 2;
  }
  const fromProgram = program.foreign.filter((f): f is ForeignDocument & { raw: KubeObject } => isMap(f.raw) && typeof f.raw.kind === "string");
  const fromFiles: KubeObject[] = [];
  for (const file of options.cluster) {
    const objects = await readObjects(file);
    if (objects === undefined) return 2;
    fromFiles.push(...objects);
  }
  const metadata = metadataOf(trigger);
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "default";
  const placed: KubeObject = { ...trigger, metadata: { ...metadata, namespace } };
  const clock = fixedClock(Date.now());
  const cluster = createInMemoryCluster({ clock });
  try {
    cluster.seed([...fromProgram.map((f) => f.raw), ...fromFiles].filter(isCrd));
  } catch (error) {
    console.error(`koreo render: cannot seed the cluster: ${errorText(error)}`);
    return 2;
  }
  // CLI-11: documents kept beside the program (a TriggerDummy, a Namespace) are seeded when the
  // simulated cluster serves their kind and skipped otherwise; they never stop the command.
  for (const f of fromProgram.filter((d) => !isCrd(d.raw))) {
    try {
      cluster.seed([f.raw]);
    } catch (error) {
      const where = f.source === undefined ? "" : ` (${f.source.file}:${f.source.line})`;
      console.error(`koreo render: info: ${String(f.raw.kind)} ${objectName(f.raw)}${where} not seeded: ${errorText(error)}`);
    }
  }
  try {
    cluster.seed([...fromFiles.filter((o) => !isCrd(o)), placed]);
  } catch (error) {
    console.error(`koreo render: cannot seed the cluster: ${errorText(error)}`);
    return 2;
  }
  const ref = { apiVersion: String(trigger.apiVersion), kind: String(trigger.kind), namespace, name: String(metadata.name) };
  const passes = await renderPasses({
    cluster,
    definitions: program.registry,
    clock,
    trigger: ref,
    ...(options.passes !== undefined && { passes: options.passes }),
    nextDueSeconds,
  });
  console.log(options.output === "json" ? JSON.stringify({ passes: passes.map(passJson) }, null, 2) : passes.map(passYaml).join(""));
  const last = passes.at(-1)?.report.outcome.kind;
  return errors.length > 0 || last === "PermFail" || last === "Retry" ? 1 : 0;
}

function passJson(pass: RenderPass): unknown {
  const outcome = pass.report.outcome;
  return {
    outcome: outcome.kind,
    message: outcome.kind === "Ok" ? null : (outcome.message ?? null),
    nextDueSeconds: pass.nextDueSeconds ?? null,
    trigger: pass.trigger ? toPlain(pass.trigger) : null,
    objects: pass.objects.map((o) => toPlain(o as Value)),
  };
}

function passYaml(pass: RenderPass, index: number): string {
  const report = pass.report;
  const due = pass.nextDueSeconds === undefined ? "no further reconcile" : `next reconcile in ${pass.nextDueSeconds}s`;
  const header = [
    `# pass ${index + 1}: ${summary(report.outcome)}; ${due}`,
    ...report.steps.map((s) => `#   ${s.label}: ${s.outcome}${s.message ? ` (${s.message})` : ""}`),
    `# ${pass.objects.length} object(s) created or changed`,
  ].join("\n");
  const docs = [...(pass.trigger ? [pass.trigger] : []), ...pass.objects].map((o) => `---\n${stringify(toPlain(o as Value))}`);
  return `${header}\n${docs.join("")}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function objectName(object: KubeObject): string {
  const metadata = metadataOf(object);
  return typeof metadata.name === "string" ? metadata.name : "(unnamed)";
}

function summary(outcome: Outcome): string {
  if (outcome.kind === "Ok") return "Ok";
  return outcome.message ? `${outcome.kind}: ${outcome.message}` : outcome.kind;
}

/** What the controller would do after this pass (CTL-14), jitter at its midpoint so the output is stable. */
function nextDueSeconds(report: ReconcileReport): number | undefined {
  const decision = decide(report, 0, DEFAULT_TIMINGS, () => 0.5);
  return decision.kind === "requeue" || decision.kind === "backoff" ? decision.afterSeconds : undefined;
}
