/**
 * `koreo cluster [--port P] [--host H] [--data-dir D] [--kubeconfig FILE] [--insecure-http]`:
 * runs the embedded Kubernetes API server in the foreground until SIGINT/SIGTERM, over
 * HTTPS with its own CA (kept in the data directory) unless --insecure-http.
 */
import { runCommand, wantsHelp } from "../command.ts";
import { resolve } from "node:path";
import { startApiServer } from "../../apiserver/index.ts";

const USAGE = `usage: koreo cluster [--port P] [--host H] [--data-dir D] [--kubeconfig FILE] [--insecure-http]

  --port P          port to listen on (default 0: a random free port)
  --host H          address to bind (default 127.0.0.1)
  --data-dir D      keep objects in D across restarts, and the TLS CA and certificate in D/tls
                    (without it they are made anew on each start)
  --kubeconfig FILE where to write the kubeconfig (default .koreo/kubeconfig)
  --insecure-http   serve plain HTTP instead of HTTPS

The server speaks HTTPS with a self-signed CA; the kubeconfig trusts that CA, so kubectl and
@kubernetes/client-node verify the server with no insecure flag.`;

interface Args {
  port: number;
  host: string;
  dataDir?: string;
  kubeconfig: string;
  tls: boolean;
}

function parseArgs(args: string[]): Args | string {
  const out: Args = { port: 0, host: "127.0.0.1", kubeconfig: ".koreo/kubeconfig", tls: true };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === "--insecure-http") {
      out.tls = false;
      continue;
    }
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
  const server = await startApiServer({
    port: parsed.port,
    host: parsed.host,
    tls: parsed.tls,
    ...(parsed.dataDir === undefined ? {} : { dataDir: parsed.dataDir }),
  });
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
