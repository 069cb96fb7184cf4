/**
 * Tracing as on Lambda: the X-Ray SDK in Lambda mode (LAMBDA_TASK_ROOT, a trace header in
 * _X_AMZN_TRACE_ID) sends the handler's subsegment over UDP to the daemon address, here a socket
 * of this test. The environment is set before the SDK loads, so the modules are imported late.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import type { AddressInfo } from "node:net";

let daemon: Socket;
const documents: Record<string, unknown>[] = [];

before(async () => {
  daemon = createSocket("udp4");
  daemon.on("message", (message) => {
    // Each datagram is a JSON header line, then the segment document.
    const body = message.toString("utf8").split("\n")[1];
    if (body !== undefined) documents.push(JSON.parse(body) as Record<string, unknown>);
  });
  await new Promise<void>((resolve) => daemon.bind(0, "127.0.0.1", resolve));
  const { port } = daemon.address() as AddressInfo;
  Object.assign(process.env, {
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}`,
    LAMBDA_TASK_ROOT: "/var/task",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    _X_AMZN_TRACE_ID: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
  });
});
after(() => daemon.close());

test("SRV-13: on Lambda each invocation is a `## name` subsegment annotated with the cold start and the service", async () => {
  const { createTracer, traced } = await import("../../src/lambda/observability.ts");
  const tracer = createTracer({});
  assert.equal(tracer.isTracingEnabled(), true);
  assert.equal(await traced(tracer, "reconcile", async () => 42), 42);
  await assert.rejects(
    traced(tracer, "reconcile", async () => {
      throw new Error("cluster unreachable");
    }),
    /cluster unreachable/,
  );
  const { waitFor } = await import("../support/e2e.ts");
  const sent = await waitFor("two subsegments", () => (documents.length >= 2 ? documents : undefined));
  assert.deepEqual(
    sent.map((d) => d.name),
    ["## reconcile", "## reconcile"],
  );
  assert.deepEqual(sent[0]?.annotations, { ColdStart: true, Service: "koreo" });
  assert.equal((sent[1]?.annotations as Record<string, unknown>).ColdStart, false);
  assert.equal(sent[1]?.error ?? sent[1]?.fault, true, "the failed invocation is flagged");
});

test("SRV-13: POWERTOOLS_TRACE_DISABLED=true turns tracing off, and the handler still runs", async () => {
  const { createTracer, traced } = await import("../../src/lambda/observability.ts");
  const tracer = createTracer({ POWERTOOLS_TRACE_DISABLED: "true" });
  assert.equal(tracer.isTracingEnabled(), false);
  assert.equal(await traced(tracer, "timer", async () => "ran"), "ran");
});
