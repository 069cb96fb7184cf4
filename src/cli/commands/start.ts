/**
 * `koreo start [--handlers N] [--once] [--data-dir D] [--webhook-port P] [--api-port P]`:
 * the whole stack on this machine (src/local/stack.ts) with the examples
 * applied; prints the kubeconfig, webhook URL and token and a line per
 * reconcile. `--once` exits after every example trigger has been reconciled
 * (exit 0 unless one ended in a system error or PermFail).
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { LogFields } from "../../ports/logger.ts";
import { liveLogger } from "../../local/live.ts";
import { startLocalStack } from "../../local/stack.ts";

const USAGE = `usage: koreo start [--handlers N] [--once] [--data-dir D] [--webhook-port P] [--api-port P]

  --handlers N      concurrent reconcile handlers (default 2)
  --once            exit after the example triggers have been reconciled (CI)
  --data-dir D      API server data directory (default .koreo/data)
  --webhook-port P  webhook port (default 8080; 0 = random)
  --api-port P      API server port (default 0 = random)`;

interface Args {
  handlers: number;
  once: boolean;
  dataDir: string;
  webhookPort: number;
  apiPort: number;
}

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const EXAMPLES = ["examples/crds", "examples/functions", "examples/workflow"].map((dir) => resolve(REPO, dir));
const SAMPLE_TRIGGERS = ["WebApp:team-a/shop"];

function parseArgs(args: readonly string[]): Args | string {
  const out: Args = { handlers: 2, once: false, dataDir: ".koreo/data", webhookPort: 8080, apiPort: 0 };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i] ?? "";
    if (flag === "--once" || flag === "--exit-after-converge") {
      out.once = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined) return `missing value for ${flag}`;
    const n = Number(value);
    if (flag === "--handlers" && Number.isInteger(n) && n >= 1) out.handlers = n;
    else if (flag === "--webhook-port" && Number.isInteger(n) && n >= 0) out.webhookPort = n;
    else if (flag === "--api-port" && Number.isInteger(n) && n >= 0) out.apiPort = n;
    else if (flag === "--data-dir") out.dataDir = value;
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
  const pending = new Set(SAMPLE_TRIGGERS);
  let failed = false;
  let converged = () => {};
  const done = new Promise<void>((r) => (converged = r));
  const onReconcile = (fields: LogFields) => {
    if (fields.outcome === "SystemError" || fields.outcome === "PermFail") failed = true;
    pending.delete(String(fields.trigger));
    if (pending.size === 0) converged();
  };
  const kubeconfigPath = resolve(".koreo/kubeconfig");
  const stack = await startLocalStack({
    handlers: args.handlers,
    dataDir: resolve(args.dataDir),
    kubeconfigPath,
    apiPort: args.apiPort,
    webhookPort: args.webhookPort,
    manifests: EXAMPLES,
    env: { KOREO_NAMESPACE: "acme-platform", RESOURCE_NAMESPACE: "team-a", ...process.env },
    logger: liveLogger((line) => console.log(line), onReconcile),
  });
  console.log(banner(stack.api.url, kubeconfigPath, stack.webhookUrl, stack.secret, args.handlers));
  const stopped = args.once ? withTimeout(done, 120_000) : untilSignal();
  const ok = await stopped;
  await stack.stop();
  if (!ok) console.error("koreo start: the example trigger was not reconciled within 120 s");
  return ok && !(args.once && failed) ? 0 : 1;
}

function banner(api: string, kubeconfig: string, webhook: string, secret: string, handlers: number): string {
  return [
    "",
    `Koreo serverless stack running (${handlers} reconcile handlers, fauxqs, relay, webhook)`,
    `  API server   ${api}     export KUBECONFIG=${kubeconfig}`,
    `  webhook      ${webhook}`,
    `  token        ${secret}`,
    `  try          curl -X POST -H "Authorization: Bearer ${secret}" ${webhook}/reconcile/apps.acme.example/v1/WebApp/team-a/shop`,
    "",
    "time      trigger                              workflow         outcome   duration",
  ].join("\n");
}

function untilSignal(): Promise<boolean> {
  return new Promise((resolve) => {
    const stop = () => resolve(true);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

function withTimeout(done: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void done.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
