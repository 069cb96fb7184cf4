/**
 * A node:http reverse proxy that records every request it forwards: method,
 * path, query, the SQS action (JSON protocol `X-Amz-Target`, or the query
 * protocol's `Action`), bytes each way. Tests and benches put it in front of
 * the embedded API server or fauxqs to count what a reconcile really costs on
 * the wire. Responses are streamed through, so watches work.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** SQS action (SendMessage, ReceiveMessage…); "" for other requests. */
  readonly action: string;
  /** The first 2 KiB of the request body (what a write changed, for failure messages). */
  readonly body: string;
  /** Request line, headers and body as sent by the client. */
  readonly bytesIn: number;
  /** Status line, headers and body as answered (so far, for streams). */
  bytesOut: number;
  status: number;
  /** The first 64 bytes of the answer's body (an empty SQS receive answers `{}`). */
  answerHead: string;
}

export interface CountingProxy {
  readonly url: string;
  /** Everything forwarded since start or the last reset, in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  reset(): void;
  close(): Promise<void>;
}

function headerBytes(headers: http.IncomingHttpHeaders | http.OutgoingHttpHeaders): number {
  return Object.entries(headers).reduce((sum, [key, value]) => sum + key.length + 4 + String(value).length, 0);
}

function sqsAction(headers: http.IncomingHttpHeaders, body: Buffer): string {
  const target = headers["x-amz-target"];
  if (typeof target === "string") return target.slice(target.lastIndexOf(".") + 1);
  const form = headers["content-type"]?.includes("x-www-form-urlencoded") ? new URLSearchParams(body.toString("utf8")).get("Action") : null;
  return form ?? "";
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  let requests: ProxiedRequest[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://proxy");
      const requestLine = `${req.method ?? ""} ${req.url ?? ""} HTTP/1.1\r\n`.length;
      const record: ProxiedRequest = {
        method: req.method ?? "",
        path: url.pathname,
        query: url.search,
        action: sqsAction(req.headers, body),
        body: body.subarray(0, 2048).toString("utf8"),
        bytesIn: requestLine + headerBytes(req.headers) + body.length,
        bytesOut: 0,
        status: 0,
        answerHead: "",
      };
      requests.push(record);
      forward(req, res, body, record);
    });
  });

  function forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, record: ProxiedRequest): void {
    const headers = { ...req.headers, host: upstream.host };
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (answer) => {
      record.status = answer.statusCode ?? 0;
      record.bytesOut += `HTTP/1.1 ${record.status}\r\n`.length + headerBytes(answer.headers);
      res.writeHead(record.status, answer.headers);
      answer.on("data", (chunk: Buffer) => {
        if (record.answerHead.length < 64) record.answerHead += chunk.subarray(0, 64 - record.answerHead.length).toString("utf8");
        record.bytesOut += chunk.length;
      });
      answer.pipe(res);
      // A client that hangs up (a stopped watch) ends the upstream stream too.
      res.on("close", () => answer.destroy());
    });
    out.on("error", () => res.destroy());
    out.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    reset: () => void (requests = []),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
