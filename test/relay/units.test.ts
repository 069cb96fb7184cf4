/** The relay's pure parts: backoff, send-failure classification, readiness, CLI settings. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { QueueDoesNotExist } from "@aws-sdk/client-sqs";
import { backoffDelayMs } from "../../src/relay/backoff.ts";
import { classifySendError, queueNameOf } from "../../src/relay/send-failure.ts";
import { readinessOf, type RelaySnapshot } from "../../src/relay/health.ts";
import { DEFAULT_WATCH_BACKOFF } from "../../src/relay/watch.ts";
import { parseRelayArgs } from "../../src/cli/commands/relay.ts";
import type { SenderStatus } from "../../src/relay/sender.ts";

test("backoff: doubles from the base, never beyond the cap plus jitter; the default watch backoff resumes within 3.5 s of the API's return", () => {
  const policy = { baseMs: 250, capMs: 3_000, jitterMs: 500 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 100, 5000].map((n) => backoffDelayMs(policy, n, () => 0)),
    [250, 500, 1000, 2000, 3000, 3000, 3000, 3000],
  );
  assert.equal(
    backoffDelayMs(policy, 9, () => 0.999),
    3000 + 499.5,
  );
  const worst = backoffDelayMs(DEFAULT_WATCH_BACKOFF, 1000, () => 1);
  assert.ok(worst <= 3_500, `worst transient retry delay ${worst} ms`);
});

test("send failures: a missing queue or a denied role is a rejection, a refused connection is unreachable", () => {
  const missing = new QueueDoesNotExist({ message: "The specified queue does not exist.", $metadata: { httpStatusCode: 400 } });
  assert.deepEqual(classifySendError(missing), { kind: "rejected", code: "QueueDoesNotExist", message: "The specified queue does not exist." });
  const denied = Object.assign(new Error("not authorized to perform sqs:SendMessage"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
  assert.equal(classifySendError(denied).kind, "rejected");
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
  assert.deepEqual(classifySendError(refused), { kind: "unreachable", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:1" });
  const throttled = Object.assign(new Error("slow down"), { name: "RequestThrottled", $metadata: { httpStatusCode: 429 } });
  assert.equal(classifySendError(throttled).kind, "unreachable");
  assert.equal(queueNameOf("https://sqs.eu-west-1.amazonaws.com/123456789012/koreo-work.fifo"), "koreo-work.fifo");
});

const sender = (over: Partial<SenderStatus> = {}): SenderStatus => ({
  buffered: 0,
  limit: 10,
  failing: false,
  consecutiveFailures: 0,
  sent: 0,
  overflowed: 0,
  failures: 0,
  ...over,
});
const watch = (kind: string, phase: "starting" | "watching" | "retrying" | "gave-up", reason?: "Forbidden" | "Unavailable") => ({
  role: "trigger" as const,
  apiVersion: "x/v1",
  kind,
  namespace: "ns",
  status: { phase, errors: phase === "retrying" ? 1 : 0, ...(reason === undefined ? {} : { lastError: { reason, message: reason } }) },
});
const snapshot = (over: Partial<RelaySnapshot>): RelaySnapshot => ({
  watches: [],
  sender: sender(),
  errorCounts: new Map(),
  relists: 0,
  apiOutage: false,
  ...over,
});

test("readiness: watching or retrying with a bounded backoff is ready; a watch not yet listed, one that gave up, failing sends or a full buffer is not", () => {
  assert.equal(readinessOf(snapshot({ watches: [watch("A", "watching"), watch("B", "retrying", "Forbidden")] })).ready, true);
  assert.deepEqual(readinessOf(snapshot({ watches: [watch("A", "starting")] })).problems, ["A in ns: not listed yet"]);
  assert.deepEqual(readinessOf(snapshot({ watches: [watch("A", "gave-up", "Unavailable")] })).problems, ["A in ns: gave up"]);
  const failing = sender({ failing: true, consecutiveFailures: 3, lastFailure: { kind: "rejected", code: "AccessDenied", message: "" } });
  assert.deepEqual(readinessOf(snapshot({ sender: failing })).problems, ["sends failing (AccessDenied, 3 attempts)"]);
  assert.deepEqual(readinessOf(snapshot({ sender: sender({ buffered: 10 }) })).problems, ["send buffer full (10/10)"]);
});

test("koreo relay settings: flags win over the environment; malformed values are refused", () => {
  assert.deepEqual(parseRelayArgs([], {}), { healthPort: 8081, maxBuffered: 10_000, shutdownMs: 5_000 });
  assert.deepEqual(
    parseRelayArgs(["--health-port", "9000"], { KOREO_RELAY_HEALTH_PORT: "1", KOREO_RELAY_MAX_BUFFERED: "50", KOREO_RELAY_SHUTDOWN_SECONDS: "2" }),
    {
      healthPort: 9000,
      maxBuffered: 50,
      shutdownMs: 2_000,
    },
  );
  assert.deepEqual(parseRelayArgs(["--kubeconfig", "k"], {}), { kubeconfigPath: "k", healthPort: 8081, maxBuffered: 10_000, shutdownMs: 5_000 });
  assert.equal(typeof parseRelayArgs(["--max-buffered", "0"], {}), "string");
  assert.equal(typeof parseRelayArgs(["--bogus"], {}), "string");
});
