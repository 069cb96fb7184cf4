/**
 * `koreo start [--handlers N] [--once] [--time-scale N] [--data-dir D] [--webhook-port P] [--api-port P]
 *  [--namespace NS,…] [--definitions-namespace NS,…]`:
 * the whole stack on this machine (src/local/stack.ts) with the examples
 * applied and a simulated Deployment controller (the embedded API server runs
 * no workload controllers); prints the kubeconfig, webhook URL and token and a
 * line per reconcile. `--once` forces one reconcile of each example trigger and
 * exits when every one's last outcome is Ok (0) or PermFail (1), or after 60 s (1).
 */
import { objectKey } from "../../cluster/index.ts";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ALL_NAMESPACES, configFromEnv, describeScope, namespaceScopes, type Env } from "../../config/index.ts";
import type { LogFields } from "../../ports/index.ts";
import { createSqsWorkQueue } from "../../queue/adapters/index.ts";
import { triggerRefOf, type ReconcileRequest } from "../../queue/index.ts";
import { liveLogger } from "../../local/index.ts";
import { startLocalStack, type LocalStack } from "../../local/index.ts";

/** `--once`: how long the examples may take to converge, and the default time scale (their Retry delays add up to ~45 s). */
const ONCE_TIMEOUT_SECONDS = 60;
const ONCE_TIME_SCALE = 10;

const USAGE = `usage: koreo start [--handlers N] [--once] [--time-scale N] [--data-dir D] [--webhook-port P] [--api-port P]
                   [--namespace NS,…] [--definitions-namespace NS,…]

  --handlers N      concurrent reconcile handlers, each in its own worker thread (default 2)
  --once            force one reconcile of each example trigger, wait until every one's last
                    outcome is Ok (exit 0) or PermFail (exit 1); exit 1 after ${ONCE_TIMEOUT_SECONDS} s (CI)
  --time-scale N    the handlers' time runs N times faster: Retry delays, resyncs and backoffs
                    pass in 1/N of the time; condition timestamps run ahead of the wall clock
                    (default 1; with --once, ${ONCE_TIME_SCALE})
  --data-dir D      API server data directory (default .koreo/data; its tls/ holds the local CA)
  --insecure-http   serve the API server over plain HTTP (default: HTTPS, CA in the kubeconfig)
  --webhook-port P  webhook port (default 8080; 0 = random)
  --api-port P      API server port (default 0 = random)
  --namespace NS,…  watch triggers only in these namespaces (default: every namespace;
                    else RESOURCE_NAMESPACE, as on AWS)
  --definitions-namespace NS,…
                    read Koreo definitions only from these namespaces, first one wins on a
                    name clash (default: every namespace; else KOREO_NAMESPACE, as on AWS).
                    \`*\` in a list means every other namespace, ranked after the named ones

The stack: embedded API server, fauxqs (SQS), relay, reconcile and timer handlers, webhook,
the resync sweep every 300 s, and a simulated Deployment controller that reports every apps/v1
Deployment as rolled out (status replicas = spec.replicas), as a real cluster's would.`;

interface Args {
  handlers: number;
  once: boolean;
  timeScale: number | undefined;
  dataDir: string;
  webhookPort: number;
  apiPort: number;
  namespace: string | undefined;
  definitionsNamespace: string | undefined;
  /** Serve the API server over plain HTTP instead of HTTPS with a local CA. */
  insecureHttp: boolean;
}

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
/**
 * What `koreo start` applies on every start. Not `examples/workflow/cluster/`: that is `koreo render`'s
 * picture of the cluster *before* the change (the Deployment on the old image), and re-applying it
 * (forced server-side apply) on a kept --data-dir rolled the managed Deployment back on each start,
 * so the first reconcile had to patch it forward again (a Retry before Ok).
 */
export const EXAMPLE_MANIFESTS = ["examples/crds", "examples/functions", "examples/workflow/webapp.k.yaml", "examples/workflow/shop.webapp.yaml"].map((path) =>
  resolve(REPO, path),
);
/** The example triggers `--once` waits for. */
const SAMPLE_TRIGGERS = [{ apiVersion: "apps.acme.example/v1", kind: "WebApp", namespace: "team-a", name: "shop" }];

function parseArgs(args: readonly string[]): Args | string {
  const out: Args = {
    insecureHttp: false,
    handlers: 2,
    once: false,
    timeScale: undefined,
    dataDir: ".koreo/data",
    webhookPort: 8080,
    apiPort: 0,
    namespace: undefined,
    definitionsNamespace: undefined,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i] ?? "";
    if (flag === "--once" || flag === "--exit-after-converge") {
      out.once = true;
      continue;
    }
    if (flag === "--insecure-http") {
      out.insecureHttp = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined) return `missing value for ${flag}`;
    const n = Number(value);
    if (flag === "--handlers" && Number.isInteger(n) && n >= 1) out.handlers = n;
    else if (flag === "--webhook-port" && Number.isInteger(n) && n >= 0) out.webhookPort = n;
    else if (flag === "--api-port" && Number.isInteger(n) && n >= 0) out.apiPort = n;
    else if (flag === "--time-scale" && Number.isFinite(n) && n >= 1) out.timeScale = n;
    else if (flag === "--data-dir") out.dataDir = value;
    else if ((flag === "--namespace" || flag === "-n") && value.trim() !== "") out.namespace = value;
    else if (flag === "--definitions-namespace" && value.trim() !== "") out.definitionsNamespace = value;
    else return `invalid option ${flag} ${value}`;
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === "string") {
    console.error(`koreo start: ${args}\n\n${USAGE}`);
    return 2;
  }
  const timeScale = args.timeScale ?? (args.once ? ONCE_TIME_SCALE : 1);
  const convergence = trackConvergence(SAMPLE_TRIGGERS.map(objectKey));
  const kubeconfigPath = resolve(".koreo/kubeconfig");
  const stack = await startLocalStack({
    handlers: args.handlers,
    handlerThreads: true,
    dataDir: resolve(args.dataDir),
    kubeconfigPath,
    tls: !args.insecureHttp,
    apiPort: args.apiPort,
    webhookPort: args.webhookPort,
    manifests: EXAMPLE_MANIFESTS,
    env: startEnv(args, process.env),
    logger: liveLogger((line) => console.log(line), convergence.observe, timeScale),
    simulateWorkloads: true,
    admission: true,
    // A fixed token for scripts and the Koreo UI; otherwise a new random one each start (printed below).
    ...(process.env.KOREO_WEBHOOK_SECRET ? { secret: process.env.KOREO_WEBHOOK_SECRET } : {}),
    timeScale,
    sweepEverySeconds: 300,
  }).catch((error: unknown) => {
    const listen = isListenError(error) ? ` (is another koreo start running? choose another port with --webhook-port/--api-port)` : "";
    console.error(`koreo start: ${error instanceof Error ? error.message : String(error)}${listen}`);
    return undefined;
  });
  if (stack === undefined) return 1;
  console.log(banner(stack, kubeconfigPath, args.handlers, timeScale, startEnv(args, process.env)));
  if (!args.once) {
    await untilSignal();
    await stack.stop();
    return 0;
  }
  await forceExamples(stack);
  const result = await withTimeout(convergence.done, ONCE_TIMEOUT_SECONDS * 1000);
  await stack.stop();
  if (result === "timeout") {
    console.error(`koreo start: the example triggers did not converge within ${ONCE_TIMEOUT_SECONDS} s; last outcomes: ${convergence.describe()}`);
    return 1;
  }
  if (result === "permfail") {
    console.error(`koreo start: an example trigger ended in PermFail: ${convergence.describe()}`);
    return 1;
  }
  console.log(`koreo start: every example trigger converged (${convergence.describe()})`);
  return 0;
}

/**
 * Locally the stack behaves like a cluster-wide controller: definitions from every namespace and
 * triggers in every namespace, so `koreo apply` into `default` and a trigger anywhere just work.
 * A flag narrows that; else the AWS settings (KOREO_NAMESPACE, RESOURCE_NAMESPACE) do, when set.
 * TEMPLATE_NAMESPACE, when unset, follows the definitions (configFromEnv).
 */
export function startEnv(args: Pick<Args, "namespace" | "definitionsNamespace">, env: Env): Env {
  const pick = (flag: string | undefined, setting: string | undefined) => flag ?? (setting === undefined || setting.trim() === "" ? ALL_NAMESPACES : setting);
  return { ...env, KOREO_NAMESPACE: pick(args.definitionsNamespace, env.KOREO_NAMESPACE), RESOURCE_NAMESPACE: pick(args.namespace, env.RESOURCE_NAMESPACE) };
}

/** The last outcome of each trigger, from the per-reconcile log lines; done when all are Ok or one is PermFail and the rest settled. */
function trackConvergence(keys: readonly string[]) {
  const last = new Map<string, string>();
  let settle: (result: "ok" | "permfail") => void = () => {};
  const done = new Promise<"ok" | "permfail">((r) => (settle = r));
  return {
    done,
    describe: () => keys.map((key) => `${key} ${last.get(key) ?? "not reconciled"}`).join(", "),
    observe(fields: LogFields) {
      last.set(String(fields.trigger), String(fields.outcome));
      const outcomes = keys.map((key) => last.get(key));
      if (outcomes.every((o) => o === "Ok" || o === "PermFail")) settle(outcomes.includes("PermFail") ? "permfail" : "ok");
    },
  };
}

/**
 * What the banner's `curl` does, for every example trigger: a force request (SRV-10), so a
 * cluster kept in --data-dir from an earlier run (already converged, or with a timer chain the
 * in-memory queues lost) is reconciled and reported too.
 */
async function forceExamples(stack: LocalStack): Promise<void> {
  const requests: ReconcileRequest[] = [];
  for (const ref of SAMPLE_TRIGGERS) {
    const got = await stack.cluster.get(ref);
    const trigger = got.ok ? triggerRefOf({ ...got.value, apiVersion: ref.apiVersion, kind: ref.kind }) : undefined;
    if (trigger !== undefined) requests.push({ trigger, reason: "force", nonce: randomBytes(8).toString("hex") });
  }
  await createSqsWorkQueue(stack.sqs.client, stack.sqs.workUrl).enqueue(requests);
}

/** `every namespace`, or the list as given (`*` spelled out). */
function describeNamespaces(namespaces: readonly string[]): string {
  if (namespaceScopes(namespaces)[0] !== "") return namespaces.join(", ");
  const named = namespaces.filter((n) => n !== ALL_NAMESPACES);
  return named.length === 0 ? describeScope("") : `${named.join(", ")} first, then ${describeScope("")}`;
}

function banner(stack: LocalStack, kubeconfig: string, handlers: number, timeScale: number, env: Env): string {
  const { api, webhookUrl: webhook, secret } = stack;
  const config = configFromEnv(env);
  return [
    "",
    `Koreo serverless stack running (${handlers} reconcile handlers, fauxqs, relay, webhook, simulated Deployment controller)`,
    `  API server   ${api.url}     export KUBECONFIG=${kubeconfig}`,
    `  webhook      ${webhook}`,
    `  token        ${secret}`,
    `  definitions  ${describeNamespaces(config.koreoNamespaces)}${sameList(config.templateNamespaces, config.koreoNamespaces) ? "" : ` (ResourceTemplates: ${describeNamespaces(config.templateNamespaces)})`}`,
    `  triggers     ${describeNamespaces(config.resourceNamespaces)}, every kind a Workflow binds (--namespace, --definitions-namespace narrow this)`,
    `  try          curl -X POST -H "Authorization: Bearer ${secret}" ${webhook}/reconcile/apps.acme.example/v1/WebApp/team-a/shop`,
    ...(timeScale === 1 ? [] : [`  time scale   ×${timeScale}: timers fire ${timeScale} times sooner than the programs ask`]),
    "",
    `${"time      trigger                              workflow         outcome   duration".padEnd(86)} why (when not Ok)`,
  ].join("\n");
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function isListenError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "EADDRINUSE" || code === "EACCES";
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

function withTimeout<T>(done: Promise<T>, ms: number): Promise<T | "timeout"> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), ms);
    void done.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
