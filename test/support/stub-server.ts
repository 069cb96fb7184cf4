/** A tiny node:http server for fault injection against the client-node adapter (no cluster semantics). */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A reply, or "hang" to never answer (timeouts), or a function writing the response itself (watch streams). */
export type StubReply = { status: number; body?: unknown } | "hang" | ((res: http.ServerResponse) => void);

export interface Stub {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startStub(reply: (request: RecordedRequest, index: number) => StubReply): Promise<Stub> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      const answer = reply(recorded, requests.length - 1);
      if (answer === "hang") return;
      if (typeof answer === "function") return answer(res);
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function status(code: number, reason: string, message: string) {
  return { status: code, body: { kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code } };
}
