/**
 * `koreo` command dispatcher. Each command lives in `commands/<name>.ts` and exports
 * `run(args: string[]): Promise<number>` (the exit code); commands are loaded on
 * demand so `koreo eval` does not pay for the API server or the AWS SDK.
 */
import { readFileSync } from "node:fs";

interface CommandModule {
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  eval: { summary: "evaluate one Koreo expression", load: () => import("./commands/eval.ts") },
  test: { summary: "run FunctionTests offline", load: () => import("./commands/test.ts") },
  validate: { summary: "load and validate Koreo definitions", load: () => import("./commands/validate.ts") },
  render: { summary: "run reconciles of one trigger against an in-memory cluster", load: () => import("./commands/render.ts") },
  apply: { summary: "validate and server-side apply Koreo definitions to a cluster", load: () => import("./commands/apply.ts") },
  reconcile: { summary: "ask for an immediate reconcile of one trigger", load: () => import("./commands/reconcile.ts") },
  plan: { summary: "show what changed definitions would do to the cluster's triggers (reads only)", load: () => import("./commands/plan.ts") },
  inspect: { summary: "show a trigger's Workflow status and managed resources", load: () => import("./commands/inspect.ts") },
  prune: { summary: "list (or with --yes delete) Koreo functions and templates nothing uses", load: () => import("./commands/prune.ts") },
  cluster: { summary: "run the embedded Kubernetes API server", load: () => import("./commands/cluster.ts") },
  relay: { summary: "watch a cluster and forward trigger events to SQS", load: () => import("./commands/relay.ts") },
  start: { summary: "run the whole stack locally (API server, SQS, relay, handlers, webhook)", load: () => import("./commands/start.ts") },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ["usage: koreo <command> [options]", "", "commands:", ...lines, "", "koreo <command> --help for a command's options"].join("\n");
}

/** A local reconcile handler's worker thread (bin/handler-thread.mjs, `koreo start`): loaded on demand, like a command. */
export async function runHandlerThread(): Promise<void> {
  const local = await import("../local/index.ts");
  local.runHandlerThread();
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    console.log(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`koreo: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}
