/**
 * Embedded API server throughput over real HTTP and over HTTPS (keep-alive
 * agent, a few concurrent clients): get, server-side apply and list; then watch
 * fan-out latency from a write to each of 100 watchers; then what a client that
 * opens a connection per request pays (a TLS handshake each over HTTPS). The
 * last rows give each operation's HTTPS rate as a share of its HTTP rate.
 * Clients and server share one thread, so each rate includes the client's part
 * of a request too: over HTTPS, both ends' TLS work.
 */
import * as http from "node:http";
import * as https from "node:https";
import { startApiServer } from "../src/apiserver/index.ts";

const CLIENTS = 8;
const DURATION_MS = 2000;

interface Transport {
  readonly name: "http" | "https";
  readonly agent: http.Agent;
  readonly fresh: http.Agent;
  readonly ca: string | undefined;
}

let transport: Transport;

function transportFor(name: "http" | "https", caData: string | undefined): Transport {
  const ca = caData === undefined ? undefined : Buffer.from(caData, "base64").toString("utf8");
  if (name === "http") return { name, ca, agent: new http.Agent({ keepAlive: true, maxSockets: CLIENTS }), fresh: new http.Agent({ keepAlive: false }) };
  // maxCachedSessions 0: every new connection is a full handshake, as for a client that keeps no TLS session cache.
  return {
    name,
    ca,
    agent: new https.Agent({ keepAlive: true, maxSockets: CLIENTS, ca }),
    fresh: new https.Agent({ keepAlive: false, ca, maxCachedSessions: 0 }),
  };
}

function call(url: string, method: string, body?: string, contentType = "application/json", agent = transport.agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith("https:") ? https : http;
    const req = client.request(url, { method, agent, headers: { "content-type": contentType } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function throughput(name: string, op: (i: number) => Promise<number>): Promise<string[]> {
  let done = 0;
  let failed = 0;
  const end = Date.now() + DURATION_MS;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; Date.now() < end; i++) {
        const status = await op(c * 1_000_000 + i);
        if (status >= 400) failed++;
        done++;
      }
    }),
  );
  return [name, String(Math.round((done * 1000) / DURATION_MS)), "", "", String(failed)];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function fanOut(url: string): Promise<string[]> {
  const WATCHERS = 100;
  const ROUNDS = 50;
  const latencies: number[] = [];
  let pending: { started: number; remaining: number; resolve: () => void } | undefined;
  const client = url.startsWith("https:") ? https : http;
  const sockets = await Promise.all(
    Array.from(
      { length: WATCHERS },
      () =>
        new Promise<http.ClientRequest>((resolve) => {
          const req = client.get(`${url}/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dfan`, { ca: transport.ca }, (res) => {
            res.on("data", () => {
              if (pending === undefined) return;
              latencies.push(performance.now() - pending.started);
              if (--pending.remaining === 0) pending.resolve();
            });
            resolve(req);
          });
        }),
    ),
  );
  await call(`${url}/api/v1/namespaces/default/configmaps`, "POST", JSON.stringify({ metadata: { name: "fan" } }));
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < ROUNDS; i++) {
    await new Promise<void>((resolve) => {
      pending = { started: performance.now(), remaining: WATCHERS, resolve };
      void call(`${url}/api/v1/namespaces/default/configmaps/fan`, "PATCH", JSON.stringify({ data: { i: String(i) } }), "application/merge-patch+json");
    });
  }
  pending = undefined;
  for (const s of sockets) s.destroy();
  latencies.sort((a, b) => a - b);
  return [`watch fan-out (${WATCHERS} watchers × ${ROUNDS})`, "", percentile(latencies, 50).toFixed(2), percentile(latencies, 99).toFixed(2), "0"];
}

const rows: string[][] = [];
const rates = new Map<string, number>();
const starts: string[] = [];
for (const name of ["http", "https"] as const) {
  const started = performance.now();
  const server = await startApiServer({ tls: name === "https" });
  const startMs = performance.now() - started;
  transport = transportFor(name, server.caData);
  const base = `${server.url}/api/v1/namespaces/default/configmaps`;
  for (let i = 0; i < 100; i++) await call(base, "POST", JSON.stringify({ metadata: { name: `cm-${i}`, labels: { i: String(i % 10) } }, data: { v: "x" } }));

  const measured: string[][] = [];
  measured.push(await throughput("get", (i) => call(`${base}/cm-${i % 100}`, "GET")));
  measured.push(
    await throughput("apply (SSA)", (i) =>
      call(
        `${base}/ssa-${i % 200}?fieldManager=bench&force=true`,
        "PATCH",
        JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `ssa-${i % 200}` }, data: { v: String(i) } }),
        "application/apply-patch+yaml",
      ),
    ),
  );
  measured.push(await throughput("list (selector, 30 of 100)", () => call(`${base}?labelSelector=i%20in%20(1,2,3)`, "GET")));
  measured.push(await throughput("get, new connection each", (i) => call(`${base}/cm-${i % 100}`, "GET", undefined, undefined, transport.fresh)));
  measured.push(await fanOut(server.url));
  for (const row of measured) {
    if (row[1] !== "") rates.set(`${name} ${row[0]}`, Number(row[1]));
    rows.push([`${name} ${row[0]}`, ...row.slice(1)]);
  }
  starts.push(`${name} ${startMs.toFixed(0)} ms`);
  await server.close();
  transport.agent.destroy();
  transport.fresh.destroy();
}
for (const op of ["get", "apply (SSA)", "list (selector, 30 of 100)", "get, new connection each"]) {
  const ratio = (rates.get(`https ${op}`) ?? 0) / (rates.get(`http ${op}`) ?? 1);
  rows.push([`https/http ${op}`, `${(ratio * 100).toFixed(0)}%`, "", "", ""]);
}

const header = ["operation", "req/s", "p50 ms", "p99 ms", "errors"];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
const line = (r: string[]): string => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join("  ");
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(`server start without a data dir: ${starts.join(", ")} (https: loads the certificate library, issues a CA and a serving certificate)`);
