/**
 * A reverse proxy in front of the embedded API server that injects one fault on request: the
 * first request matching a predicate is held (never answered: a run blocked on a slow API call),
 * answered 500 (InternalError, as kube-apiserver words it), or has its connection reset. Every
 * other request is forwarded untouched. For the fault tests (test/runtime/faults.test.ts).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedCall {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

export type Fault = "hold" | "500" | "reset";

export interface FaultProxy {
  readonly url: string;
  /** Applies `fault` to the next request `matches` accepts; resolves with that request once it arrived. */
  inject(fault: Fault, matches: (call: ProxiedCall) => boolean): Promise<ProxiedCall>;
  /** Ends held requests (their connections are destroyed). */
  release(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let pending: { fault: Fault; matches: (call: ProxiedCall) => boolean; hit: (call: ProxiedCall) => void } | undefined;
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const call = { method: req.method ?? "", path: new URL(req.url ?? "/", "http://proxy").pathname, body: body.toString("utf8") };
      const rule = pending;
      if (rule === undefined || !rule.matches(call)) return forward(upstream, req, res, body);
      pending = undefined;
      rule.hit(call);
      if (rule.fault === "hold") return void held.push(res);
      if (rule.fault === "reset") return void req.socket.destroy();
      const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "injected fault", reason: "InternalError", code: 500 };
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify(status));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inject: (fault, matches) => new Promise((hit) => (pending = { fault, matches, hit })),
    release() {
      for (const res of held.splice(0)) res.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held.splice(0)) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(upstream: URL, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const out = httpRequest(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      res.on("close", () => answer.destroy());
    },
  );
  out.on("error", () => res.destroy());
  out.end(body);
}
