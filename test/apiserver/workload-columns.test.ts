/** Pod and Job printer columns (pure), including the Running status shape the workload simulator writes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { JOB_COLUMNS, POD_COLUMNS, summarizePod } from "../../src/apiserver/tables/workload-columns.ts";
import { qosClass } from "../../src/apiserver/kinds/pods.ts";
import type { JsonObject } from "../../src/apiserver/json.ts";

const NOW = new Date("2026-01-01T00:10:00Z");
const cells = (columns: typeof POD_COLUMNS, obj: JsonObject): unknown[] => columns.filter((c) => c.definition.priority === 0).map((c) => c.cell(obj, NOW));

const pod = (status: JsonObject, extra: JsonObject = {}): JsonObject => ({
  metadata: { name: "p", creationTimestamp: "2026-01-01T00:00:00Z", ...extra },
  spec: { containers: [{ name: "a" }, { name: "b" }] },
  status,
});

test("a running pod: ready containers counted, Running, restarts with how long ago", () => {
  const running = pod({
    phase: "Running",
    conditions: [{ type: "Ready", status: "True" }],
    podIP: "10.244.0.5",
    containerStatuses: [
      { name: "a", ready: true, restartCount: 0, state: { running: { startedAt: "2026-01-01T00:00:05Z" } } },
      {
        name: "b",
        ready: true,
        restartCount: 2,
        state: { running: { startedAt: "2026-01-01T00:08:00Z" } },
        lastState: { terminated: { exitCode: 1, finishedAt: "2026-01-01T00:07:00Z" } },
      },
    ],
  });
  assert.deepEqual(cells(POD_COLUMNS, running), ["2/2", "Running", "2 (3m ago)", "10m"]);
});

test("waiting and terminated reasons win; deletion shows Terminating; a fresh pod is Pending", () => {
  const crashing = pod({
    phase: "Running",
    containerStatuses: [{ name: "a", ready: false, restartCount: 5, state: { waiting: { reason: "CrashLoopBackOff" } } }],
  });
  assert.equal(summarizePod(crashing).reason, "CrashLoopBackOff");
  const exited = pod({ phase: "Failed", containerStatuses: [{ name: "a", state: { terminated: { exitCode: 3 } } }] });
  assert.equal(summarizePod(exited).reason, "ExitCode:3");
  assert.equal(summarizePod(pod({ phase: "Running" }, { deletionTimestamp: "2026-01-01T00:09:00Z" })).reason, "Terminating");
  assert.deepEqual(cells(POD_COLUMNS, pod({ phase: "Pending" })), ["0/2", "Pending", "0", "10m"]);
});

test("QoS class from requests and limits", () => {
  assert.equal(qosClass({ containers: [{ name: "a" }] }), "BestEffort");
  assert.equal(qosClass({ containers: [{ name: "a", resources: { requests: { cpu: "1" } } }] }), "Burstable");
  assert.equal(qosClass({ containers: [{ name: "a", resources: { limits: { cpu: "1", memory: "1Gi" } } }] }), "Guaranteed");
});

test("job columns: status from conditions, completions, duration", () => {
  const job: JsonObject = {
    metadata: { name: "j", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: { completions: 1, parallelism: 1 },
    status: { succeeded: 1, startTime: "2026-01-01T00:00:00Z", completionTime: "2026-01-01T00:00:42Z", conditions: [{ type: "Complete", status: "True" }] },
  };
  assert.deepEqual(cells(JOB_COLUMNS, job), ["Complete", "1/1", "42s", "10m"]);
  assert.deepEqual(cells(JOB_COLUMNS, { ...job, status: {} }), ["Running", "0/1", "", "10m"]);
});
