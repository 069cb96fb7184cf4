/** The reconcile handler's orchestration over the in-memory cluster, with a fake engine and recording queues. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../../src/cluster/cluster-api.ts";
import { configFromEnv, DEFAULT_TIMINGS } from "../../src/config/config.ts";
import { Outcome } from "../../src/outcome/outcome.ts";
import { silentLogger, type LogFields, type Logger } from "../../src/ports/logger.ts";
import { createRecordingTimerQueue } from "../../src/queue/adapters/in-memory.ts";
import { createRequestReconciler } from "../../src/reconciler/reconcile-request.ts";
import { noMetrics } from "../../src/ports/metrics.ts";
import { readRecord } from "../../src/reconciler/record.ts";
import type { RunReconcile } from "../../src/reconciler/engine-port.ts";
import { isMap } from "../../src/value/value.ts";
import { deduplicationId } from "../../src/queue/ids.ts";
import { widgetCluster } from "../support/widget.ts";

async function setup(run: RunReconcile, timings = DEFAULT_TIMINGS) {
  const { clock, cluster, trigger } = await widgetCluster();
  const timers = createRecordingTimerQueue();
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const logger: Logger = {
    debug: (message, fields) => void lines.push({ level: "debug", message, ...(fields && { fields }) }),
    info: (message, fields) => void lines.push({ level: "info", message, ...(fields && { fields }) }),
    warn: (message, fields) => void lines.push({ level: "warn", message, ...(fields && { fields }) }),
    error: (message, fields) => void lines.push({ level: "error", message, ...(fields && { fields }) }),
    child: () => logger,
  };
  const reconcile = createRequestReconciler({ cluster, run, timers, clock, logger, metrics: noMetrics, random: () => 0.5, timings });
  const record = async () => {
    const got = await cluster.get(trigger);
    return got.ok ? readRecord(got.value) : undefined;
  };
  /** The timer the last run armed, delivered when due (as the timer queue would). */
  const fireTimer = async () => {
    const armed = timers.scheduled.at(-1)?.request;
    assert.ok(armed?.dueAt !== undefined && armed.chain !== undefined, "a timer was armed");
    clock.advance(armed.dueAt - clock.now());
    return reconcile(armed);
  };
  return { cluster, clock, timers, lines, reconcile, trigger, record, fireTimer };
}

const okRun: RunReconcile = async () => ({ status: "reconciled", workflow: "wf", workflowVersion: "v1", outcome: Outcome.ok(null) });

/** An event, then every backoff timer as it falls due, until the handler gives up (CTL-14: 10 system errors). */
async function exhaustSystemErrors(s: Awaited<ReturnType<typeof setup>>): Promise<void> {
  await s.reconcile({ trigger: s.trigger, reason: "event" });
  for (let i = 0; i < 10; i++) await s.fireTimer();
}

test("CTL-12 / CTL-15 / CTL-21 / SRV-13: a run records its outcome on the trigger, arms the resync timer and logs trigger, workflow, why, outcome, duration", async () => {
  const s = await setup(okRun);
  const result = await s.reconcile({ trigger: s.trigger, reason: "event", hash: "x" });
  assert.equal(result.status, "ran");
  const { event, ...record } = (await s.record()) ?? { hash: "" };
  assert.deepEqual(record, { hash: (await s.record())?.hash ?? "", workflowVersion: "v1", outcome: "Ok", attempt: 0, chain: 1_000_000 });
  assert.match(event ?? "", /^[0-9a-f]{16}$/, "the digest of the Ready event it recorded");
  assert.deepEqual(
    s.timers.scheduled.map((t) => t.delaySeconds),
    [900],
    "1200 s starts as a 900 s hop",
  );
  const line = s.lines.find((l) => l.level === "info");
  assert.deepEqual(Object.keys(line?.fields ?? {}).sort(), ["decision", "durationMs", "outcome", "trigger", "uid", "why", "workflow"]);
  assert.equal(line?.fields?.why, "never-reconciled", "what the gate let through");
});

test("CTL-10 / SRV-12: a second event with the same hash is dropped and writes nothing", async () => {
  const s = await setup(okRun);
  await s.reconcile({ trigger: s.trigger, reason: "event", hash: "x" });
  const rv = async () => {
    const g = await s.cluster.get(s.trigger);
    return g.ok && isMap(g.value.metadata) ? g.value.metadata.resourceVersion : undefined;
  };
  const before = await rv();
  assert.deepEqual(await s.reconcile({ trigger: s.trigger, reason: "event", hash: "x" }), { status: "dropped", why: "unchanged" });
  assert.equal(await rv(), before);
});

test("CTL-13 / CTL-14 / SRV-7: a run over its budget is a system error: backoff through the timer queue, attempt counted", async () => {
  const slow: RunReconcile = () => new Promise((resolve) => setTimeout(() => resolve({ status: "reconciled", outcome: Outcome.ok(null) }), 500));
  const s = await setup(slow, { ...DEFAULT_TIMINGS, reconcileTimeoutSeconds: 0.05 });
  const result = await s.reconcile({ trigger: s.trigger, reason: "event" });
  assert.ok(result.status === "ran" && result.decision.kind === "backoff");
  assert.equal((await s.record())?.outcome, "SystemError");
  assert.equal((await s.record())?.attempt, 1);
  assert.equal(s.timers.scheduled[0]?.delaySeconds, 45, "2^0·30 + 0.5·30");
});

test("SRV-7: an exception in the engine is a system error too, and after 10 the trigger is given up with an error log", async () => {
  const boom: RunReconcile = async () => {
    throw new Error("bug");
  };
  const s = await setup(boom);
  await exhaustSystemErrors(s);
  assert.equal((await s.record())?.attempt, 11);
  assert.equal((await s.record())?.chain, undefined, "nothing more is scheduled");
  assert.ok(s.lines.some((l) => l.level === "error" && l.message.includes("Giving up")));
});

test("SRV-8 / CTL-10: a container whose definitions are older than the last run's re-lists them before calling it a Workflow change", async () => {
  const s = await setup(okRun);
  await s.reconcile({ trigger: s.trigger, reason: "event" });
  assert.equal((await s.record())?.workflowVersion, "v1");
  // A second container: its registry still says v0 until it re-lists, and then it says v1 like the first.
  let listed = "v0";
  const refreshes: boolean[] = [];
  const second = createRequestReconciler({
    cluster: s.cluster,
    run: okRun,
    timers: createRecordingTimerQueue(),
    clock: s.clock,
    logger: silentLogger,
    metrics: noMetrics,
    random: () => 0.5,
    timings: DEFAULT_TIMINGS,
    workflowVersionOf: () => listed,
    refreshDefinitions: async (changed) => {
      refreshes.push(changed);
      if (changed) listed = "v1";
    },
  });
  const result = await second({ trigger: s.trigger, reason: "event" });
  assert.deepEqual(result, { status: "dropped", why: "unchanged" });
  assert.deepEqual(refreshes, [false, true], "the TTL refresh, then a forced one on the mismatch");
});

test("CTL-14 / SRV-7: after a give-up, a change of the trigger starts a fresh count of system errors (backoff, not another give-up)", async () => {
  const boom: RunReconcile = async () => {
    throw new Error("bug");
  };
  const s = await setup(boom);
  await exhaustSystemErrors(s);
  assert.equal((await s.record())?.attempt, 11, "given up");
  assert.ok((await s.cluster.mergePatch(s.trigger, { spec: { v: "2" } })).ok);
  const after = await s.reconcile({ trigger: s.trigger, reason: "event" });
  assert.equal(after.status, "ran");
  assert.equal(after.status === "ran" ? after.decision.kind : undefined, "backoff");
  assert.equal((await s.record())?.attempt, 1);
  assert.notEqual((await s.record())?.chain, undefined, "a backoff timer is armed again");
});

test("SRV-7 / COND-1 / ST-8: giving up writes a Ready Failure condition naming the last error, in place, keeping the other conditions", async () => {
  const boom: RunReconcile = async () => {
    throw new Error("cannot reach the managed cluster");
  };
  const s = await setup(boom);
  const earlier = "2026-01-01T00:00:00.000000+00:00";
  const configured = {
    type: "Configured",
    status: "True",
    reason: "Ready",
    message: "WebApp spec ready.",
    location: "wf",
    lastTransitionTime: earlier,
    lastUpdateTime: earlier,
  };
  const ready = {
    type: "Ready",
    status: "True",
    reason: "Wait",
    message: "Awaiting Workflow wf to be ready.",
    location: "wf.spec.steps.a",
    lastTransitionTime: earlier,
    lastUpdateTime: earlier,
  };
  const sentinel = { type: "Zeta", status: "False", reason: "Other", message: "kept", lastTransitionTime: earlier, lastUpdateTime: earlier };
  assert.ok((await s.cluster.mergePatch(s.trigger, { status: { conditions: [configured, ready, sentinel] } })).ok);
  const conditions = async () => {
    const got = await s.cluster.get(s.trigger);
    return got.ok && isMap(got.value.status) ? got.value.status.conditions : undefined;
  };
  await s.reconcile({ trigger: s.trigger, reason: "event" });
  for (let i = 0; i < 9; i++) await s.fireTimer();
  assert.deepEqual(await conditions(), [configured, ready, sentinel], "backoff alone leaves the conditions alone");
  const result = await s.fireTimer();
  assert.ok(result.status === "ran" && result.decision.kind === "give-up");
  const after = await conditions();
  assert.ok(Array.isArray(after) && after.length === 3);
  assert.deepEqual(after[0], configured);
  assert.deepEqual(after[2], sentinel);
  const failure = after[1];
  assert.ok(isMap(failure));
  assert.equal(failure.type, "Ready");
  assert.equal(failure.status, "True", "the same status the engine writes for a PermFail (ST-4)");
  assert.equal(failure.reason, "Failure");
  assert.equal(failure.location, null);
  assert.match(String(failure.message), /cannot reach the managed cluster/);
  assert.match(String(failure.message), /retries stopped/);
  assert.equal(failure.lastTransitionTime, earlier, "status unchanged: lastTransitionTime carried (ST-8)");
  assert.notEqual(failure.lastUpdateTime, earlier);
  assert.equal((await s.record())?.chain, undefined, "and nothing more is scheduled");
});

test("SRV-7: giving up on a trigger without conditions appends Ready", async () => {
  const boom: RunReconcile = async () => {
    throw new Error("bug");
  };
  const s = await setup(boom, { ...DEFAULT_TIMINGS, backoffMaxAttempts: 0 });
  const result = await s.reconcile({ trigger: s.trigger, reason: "event" });
  assert.ok(result.status === "ran" && result.decision.kind === "give-up");
  const got = await s.cluster.get(s.trigger);
  assert.ok(got.ok && isMap(got.value.status));
  const list = got.value.status.conditions;
  assert.ok(Array.isArray(list) && list.length === 1 && isMap(list[0]));
  const c = list[0];
  assert.deepEqual([c.type, c.reason, c.location, c.lastTransitionTime === c.lastUpdateTime], ["Ready", "Failure", null, true]);
  assert.match(String(c.message), /Gave up after 1 consecutive system errors; retries stopped.*Last error: bug/);
});

test("CTL-2 / CTL-20: namespaces are ordered comma lists; reference values are the defaults", () => {
  const c = configFromEnv({ KOREO_NAMESPACE: "team, platform ,", RESOURCE_NAMESPACE: "a,b" });
  assert.deepEqual(c.koreoNamespaces, ["team", "platform"]);
  assert.deepEqual(c.templateNamespaces, ["team", "platform"]);
  assert.deepEqual(c.resourceNamespaces, ["a", "b"]);
  assert.deepEqual(configFromEnv({}).koreoNamespaces, ["koreo-testing"]);
  assert.equal(configFromEnv({}).timings.resyncSeconds, 1200);
  assert.equal(configFromEnv({}).timings.reconcileTimeoutSeconds, 30);
});

async function eventsOf(s: Awaited<ReturnType<typeof setup>>) {
  const listed = await s.cluster.list("v1", "Event", { namespace: "ns" });
  assert.ok(listed.ok);
  return listed.value.items.map((e) => ({
    reason: e.reason,
    message: e.message,
    type: e.type,
    count: e.count,
    involved: isMap(e.involvedObject) ? e.involvedObject.uid : undefined,
  }));
}

test("Events: outcome transitions become core/v1 Events on the trigger; a repeat of the same outcome bumps count, a repeated run adds nothing", async () => {
  let outcome: Outcome = Outcome.ok(null);
  const s = await setup(async () => ({
    status: "reconciled",
    workflow: "wf",
    workflowVersion: "v1",
    outcome,
    steps: [{ label: "make", outcome: outcome.kind }],
  }));
  await s.reconcile({ trigger: s.trigger, reason: "event", hash: "a" });
  await s.reconcile({ trigger: s.trigger, reason: "force", nonce: "again" });
  assert.deepEqual(
    await eventsOf(s),
    [{ reason: "Ready", message: "Workflow wf ready.", type: "Normal", count: 1n, involved: s.trigger.uid }],
    "the second Ok is no transition",
  );
  outcome = Outcome.permFail("boom", "make");
  await s.reconcile({ trigger: s.trigger, reason: "force", nonce: "fail" });
  const failed = s.lines.filter((l) => l.level === "info").at(-1)?.fields;
  assert.equal(failed?.message, "boom");
  assert.equal(failed?.step, "make", "the step the outcome came from");
  outcome = Outcome.ok(null);
  await s.reconcile({ trigger: s.trigger, reason: "force", nonce: "ok" });
  const events = await eventsOf(s);
  assert.deepEqual(events.map((e) => [e.reason, e.type, e.count]).sort(), [
    ["Failure", "Warning", 1n],
    ["Ready", "Normal", 2n],
  ]);
});

test("Events: a selection error names its reason (WorkflowNotReady) as a Warning", async () => {
  const s = await setup(async () => ({
    status: "selection-error",
    selectionReason: "WorkflowNotReady",
    workflow: "wf",
    outcome: Outcome.retry(120, "Workflow `wf` not ready missing steps."),
  }));
  await s.reconcile({ trigger: s.trigger, reason: "event", hash: "a" });
  assert.deepEqual(
    (await eventsOf(s)).map((e) => [e.reason, e.type, e.message]),
    [["WorkflowNotReady", "Warning", "Workflow `wf` not ready missing steps."]],
  );
});

test("SRV-2 / SRV-12: a reconcile GETs the trigger once; the run receives the object the gate read", async () => {
  let received: KubeObject | undefined;
  const s = await setup(async (_ref, current) => {
    received = current;
    return { status: "reconciled", workflow: "wf", workflowVersion: "v1", outcome: Outcome.ok(null) };
  });
  const get = s.cluster.get.bind(s.cluster);
  let triggerReads = 0;
  s.cluster.get = (ref) => {
    if (ref.kind === "Widget") triggerReads++;
    return get(ref);
  };
  const result = await s.reconcile({ trigger: s.trigger, reason: "event", hash: "x" });
  assert.equal(result.status, "ran");
  assert.equal(triggerReads, 1, "one GET of the trigger, by the gate");
  assert.ok(received !== undefined && isMap(received.metadata) && received.metadata.uid === s.trigger.uid, "the run got that trigger");
});

test("SRV-12 / CTL-12: a due resync of an unchanged trigger hands its chain on and writes nothing to the trigger", async () => {
  const s = await setup(okRun);
  await s.reconcile({ trigger: s.trigger, reason: "event" });
  const first = s.timers.scheduled.at(-1)?.request;
  const resourceVersion = async () => {
    const got = await s.cluster.get(s.trigger);
    return got.ok && isMap(got.value.metadata) ? got.value.metadata.resourceVersion : undefined;
  };
  const before = await resourceVersion();
  for (let pass = 0; pass < 3; pass++) assert.equal((await s.fireTimer()).status, "ran");
  assert.equal(await resourceVersion(), before, "three resyncs, no write");
  const last = s.timers.scheduled.at(-1)?.request;
  assert.equal(last?.chain, first?.chain, "the same chain throughout");
  assert.ok(last?.dueAt !== undefined && first?.dueAt !== undefined && last.dueAt > first.dueAt);
});

test("SRV-5 / SRV-2: a due timer delivered twice arms the same successor, which the FIFO deduplication collapses", async () => {
  const s = await setup(okRun);
  await s.reconcile({ trigger: s.trigger, reason: "event" });
  const armed = s.timers.scheduled.at(-1)?.request;
  assert.ok(armed?.dueAt !== undefined);
  s.clock.advance(armed.dueAt - s.clock.now());
  await s.reconcile(armed);
  s.clock.advance(30_000); // the redelivery comes a visibility timeout later
  await s.reconcile(armed);
  const [a, b] = s.timers.scheduled.slice(-2).map((t) => t.request);
  assert.ok(a !== undefined && b !== undefined);
  assert.deepEqual(a, b);
  assert.equal(deduplicationId(a), deduplicationId(b));
});

test("SRV-5: a timer of a replaced chain is dropped, the live chain's runs", async () => {
  const s = await setup(okRun);
  await s.reconcile({ trigger: s.trigger, reason: "event" });
  const old = s.timers.scheduled.at(-1)?.request;
  assert.ok(old?.dueAt !== undefined);
  s.clock.advance(1000);
  await s.reconcile({ trigger: s.trigger, reason: "force", nonce: "n" }); // starts a new chain
  s.clock.advance(old.dueAt - s.clock.now());
  assert.deepEqual(await s.reconcile(old), { status: "dropped", why: "stale-timer" });
  assert.equal((await s.fireTimer()).status, "ran");
});
