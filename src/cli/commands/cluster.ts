/**
 * `koreo cluster [--port P] [--host H] [--data-dir D] [--kubeconfig FILE]`: runs the
 * embedded Kubernetes API server in the foreground until SIGINT/SIGTERM.
 */
import { runCommand, wantsHelp } from "../command.ts";
import { resolve } from "node:path";
import { startApiServer } from "../../apiserver/index.ts";

const USAGE = `usage: koreo cluster [--port P] [--host H] [--data-dir D] [--kubeconfig FILE]

  --port P          port to listen on (default 0: a random free port)
  --host H          address to bind (default 127.0.0.1)
  --data-dir D      keep objects in D across restarts
  --kubeconfig FILE where to write the kubeconfig (default .koreo/kubeconfig)`;

interface Args {
  port: number;
  host: string;
  dataDir?: string;
  kubeconfig: string;
}

function parseArgs(args: string[]): Args | string {
  const out: Args = { port: 0, host: "127.0.0.1", kubeconfig: ".koreo/kubeconfig" };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const [name, inline] = flag.includes("=") ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)] : [flag, undefined];
    const value = inline ?? args[++i];
    if (value === undefined) return `missing value for ${name}`;
    if (name === "--port") {
      if (!/^\d+$/.test(value) || Number(value) > 65535) return `invalid port "${value}"`;
      out.port = Number(value);
    } else if (name === "--host") out.host = value;
    else if (name === "--data-dir") out.dataDir = value;
    else if (name === "--kubeconfig") out.kubeconfig = value;
    else return `unknown option ${name}`;
  }
  return out;
}

export async function run(args: string[]): Promise<number> {
  return runCommand("cluster", USAGE, wantsHelp(args) ? "help" : parseArgs(args), serve);
}

async function serve(parsed: Args): Promise<number> {
  const server = await startApiServer({ port: parsed.port, host: parsed.host, ...(parsed.dataDir === undefined ? {} : { dataDir: parsed.dataDir }) });
  const kubeconfig = resolve(parsed.kubeconfig);
  server.writeKubeconfig(kubeconfig);
  console.log(`koreo cluster: API server at ${server.url}`);
  console.log(`koreo cluster: kubeconfig written to ${kubeconfig} (export KUBECONFIG=${kubeconfig})`);
  await new Promise<void>((done) => {
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
  await server.close();
  return 0;
}
