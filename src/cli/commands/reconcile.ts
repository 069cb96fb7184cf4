/**
 * `koreo reconcile KIND NAME [-n NS] [--via-webhook URL --token T]` (CLI-13, CLI-4):
 * asks for an immediate reconcile of one trigger, either by setting the annotation
 * `koreo.dev/last-manual-reconcile` (our controller treats its change as a force,
 * CTL-8 recommendation) or by calling the reconcile webhook (SRV-10).
 * Exit 0 done, 1 not found / nothing would reconcile it / API or webhook error, 2 usage error.
 */
import { runCommand } from "../command.ts";
import { parseArgs } from "node:util";
import type { ClusterApi, KubeObject } from "../../cluster/index.ts";
import { annotationsOf } from "../../cluster/index.ts";
import { KOREO_API_VERSION } from "../../definitions/index.ts";
import { boundKindOf } from "../../workflow/index.ts";
import { isMap } from "../../value/index.ts";
import { WORKFLOW_ANNOTATION } from "../../workflow/index.ts";
import { resolveKind, type ResolvedKind } from "../../operations/index.ts";
import { CLUSTER_HELP, CLUSTER_OPTIONS, connect, DEFAULT_NAMESPACE, kindAndName, parseError, type Connection } from "../cluster-options.ts";

export const LAST_MANUAL_RECONCILE = "koreo.dev/last-manual-reconcile";

const HELP = `usage: koreo reconcile KIND NAME [-n NS] [--api-version V] [--via-webhook URL --token T]

Asks Koreo to reconcile one trigger now. By default it sets the annotation
${LAST_MANUAL_RECONCILE} to the current UTC time (a change Koreo treats as a
forced run), unless no Workflow binds the kind (in any namespace) and the object
names none (koreo.dev/workflow): then nothing would reconcile it, and it says so
(exit 1). With --via-webhook it instead calls
POST <URL>/reconcile/<group>/<version>/<Kind>/<namespace>/<name>.

KIND is a kind, plural or singular name, optionally qualified by its group
(webapp, WebApp, webapps.apps.acme.example), resolved through API discovery;
--api-version skips discovery (KIND must then be the Kind itself when used
with --via-webhook, which then needs no cluster access at all).

options:
  -n, --namespace NS      the trigger's namespace (default "default")
      --api-version V     the trigger's apiVersion (group/version)
      --via-webhook URL   call the Koreo reconcile webhook at URL instead
      --token T           bearer token for the webhook (default: KOREO_WEBHOOK_TOKEN)
${CLUSTER_HELP}
  -h, --help              show this help

exit status: 0 requested, 1 not found, no Workflow binds the kind, or API/webhook error, 2 usage error`;

interface ReconcileArgs {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly apiVersion: string | undefined;
  readonly webhook: string | undefined;
  readonly token: string | undefined;
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
}

const OPTIONS = {
  ...CLUSTER_OPTIONS,
  "api-version": { type: "string" },
  "via-webhook": { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function parse(args: string[]): ReconcileArgs | "help" | string {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
    if (values.help === true) return "help";
    const target = kindAndName(positionals);
    if (typeof target === "string") return target;
    const token = values.token ?? process.env.KOREO_WEBHOOK_TOKEN;
    if (values["via-webhook"] !== undefined && (token === undefined || token === "")) return "--via-webhook needs --token (or KOREO_WEBHOOK_TOKEN)";
    return {
      ...target,
      namespace: values.namespace ?? DEFAULT_NAMESPACE,
      apiVersion: values["api-version"],
      webhook: values["via-webhook"],
      token,
      kubeconfig: values.kubeconfig,
      context: values.context,
    };
  } catch (error) {
    return parseError(error);
  }
}

export async function run(args: string[]): Promise<number> {
  return runCommand("reconcile", HELP, parse(args), reconcile);
}

async function reconcile(parsed: ReconcileArgs): Promise<number> {
  if (parsed.webhook !== undefined && parsed.apiVersion !== undefined) return viaWebhook(parsed, parsed.webhook, givenKind(parsed.kind, parsed.apiVersion));
  const connection = connect(parsed);
  if (typeof connection === "string") return fail(connection);
  const kind = await resolveKind(parsed.kind, connection.cluster, parsed.apiVersion);
  if (!kind.ok) return fail(kind.error.message);
  if (parsed.webhook !== undefined) return viaWebhook(parsed, parsed.webhook, kind.value);
  return annotate(connection, parsed, kind.value);
}

function fail(message: string): number {
  console.error(`koreo reconcile: ${message}`);
  return 1;
}

/** With --api-version and a webhook, the kind is taken as written: the webhook resolves it. */
function givenKind(kind: string, apiVersion: string): Pick<ResolvedKind, "group" | "version" | "kind"> {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? { group: "", version: apiVersion, kind } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

async function annotate(connection: Connection, args: ReconcileArgs, kind: ResolvedKind): Promise<number> {
  const cluster: ClusterApi = connection.cluster;
  const timestamp = new Date().toISOString();
  const ref = { apiVersion: kind.apiVersion, kind: kind.kind, plural: kind.plural, name: args.name, namespace: kind.namespaced ? args.namespace : undefined };
  const patch = { metadata: { annotations: { [LAST_MANUAL_RECONCILE]: timestamp } } };
  // A merge patch on a missing object would fail anyway; GET first so the message says "not found" plainly.
  const existing = await cluster.get(ref);
  if (!existing.ok) return fail(existing.error.reason === "NotFound" ? `${kind.kind} ${args.namespace}/${args.name} not found` : existing.error.message);
  if (!(await mayBeReconciled(cluster, kind, existing.value))) {
    return fail(
      `nothing will reconcile ${kind.kind} ${args.namespace}/${args.name}: no Workflow binds ${kind.kind} (${kind.apiVersion}) (spec.crdRef), so Koreo does not watch it; not annotated`,
    );
  }
  const patched = await cluster.mergePatch(ref, patch, { plural: kind.plural });
  if (!patched.ok) return fail(patched.error.message);
  // CLI-4's message, with the KIND as the user wrote it.
  console.log(`Updated ${args.kind}/${args.name} in ${args.namespace} with last reconciled=${timestamp}`);
  return 0;
}

/**
 * Whether some Workflow could run for the object: one binds its kind (CTL-5), or the object names
 * one (`koreo.dev/workflow`, CTL-9). Workflows are looked up in every namespace, as `npm start`
 * reads them; when they cannot be listed (RBAC), the answer is "maybe", and the annotation is set.
 */
async function mayBeReconciled(cluster: ClusterApi, kind: ResolvedKind, object: KubeObject): Promise<boolean> {
  if (annotationsOf(object)[WORKFLOW_ANNOTATION] !== undefined) return true;
  const workflows = await cluster.list(KOREO_API_VERSION, "Workflow", { namespace: "" });
  if (!workflows.ok) return true;
  return workflows.value.items.some((workflow) => {
    const ref = boundKindOf(workflow);
    return ref !== undefined && ref.apiVersion === kind.apiVersion && ref.kind === kind.kind;
  });
}

async function viaWebhook(args: ReconcileArgs, url: string, kind: Pick<ResolvedKind, "group" | "version" | "kind">): Promise<number> {
  // SRV-10 spells the core group `core`.
  const segments = [kind.group === "" ? "core" : kind.group, kind.version, kind.kind, args.namespace, args.name].map(encodeURIComponent);
  const target = `${url.replace(/\/+$/, "")}/reconcile/${segments.join("/")}`;
  let response: Response;
  try {
    response = await fetch(target, { method: "POST", headers: { authorization: `Bearer ${args.token ?? ""}` } });
  } catch (error) {
    return fail(`POST ${target}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  if (!response.ok) return fail(`POST ${target}: HTTP ${response.status}: ${text.trim()}`);
  console.log(prettyJson(text));
  return 0;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON (a proxy's page): show it as it came.
    return text;
  }
}
