/**
 * The reconciler's use of its memory (src/reconciler/seen.ts) over the in-memory cluster with a
 * fake engine: what it drops without a GET, and the cases where it must read anyway (SRV-2,
 * CTL-10, CTL-12, SRV-5, SRV-9).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ClusterApi } from "../../src/cluster/cluster-api.ts";
import { fail } from "../../src/cluster/errors.ts";
import { DEFAULT_TIMINGS } from "../../src/config/config.ts";
import { Outcome } from "../../src/outcome/outcome.ts";
import { silentLogger } from "../../src/ports/logger.ts";
import type { Metrics } from "../../src/ports/metrics.ts";
import { createRecordingTimerQueue } from "../../src/queue/adapters/in-memory.ts";
import type { ReconcileRequest } from "../../src/queue/messages.ts";
import type { RunReconcile } from "../../src/reconciler/engine-port.ts";
import { createRequestReconciler } from "../../src/reconciler/reconcile-request.ts";
import { RECORD_ANNOTATION } from "../../src/reconciler/record.ts";
import { isMap } from "../../src/value/value.ts";
import { widgetCluster } from "../support/widget.ts";

const okRun: RunReconcile = async () => ({ status: "reconciled", workflow: "wf", workflowVersion: "v1", outcome: Outcome.ok(null) });

async function setup() {
  const { clock, cluster: inner, trigger } = await widgetCluster();
  /** Trigger GETs; the hook runs before the next record write (a concurrent change, or "fail"). */
  const state = { gets: 0, version: "v1", beforeRecordWrite: undefined as undefined | (() => Promise<"fail" | void>) };
  const cluster: ClusterApi = {
    ...inner,
    get: (ref) => ((state.gets += ref.kind === "Widget" ? 1 : 0), inner.get(ref)),
    mergePatch: async (ref, patch, options) => {
      const metadata = isMap(patch) ? patch.metadata : undefined;
      const annotations = isMap(metadata) && isMap(metadata.annotations) ? metadata.annotations : {};
      const hook = state.beforeRecordWrite;
      if (RECORD_ANNOTATION in annotations && hook !== undefined) {
        state.beforeRecordWrite = undefined;
        if ((await hook()) === "fail") return fail("Unavailable", "injected");
      }
      return inner.mergePatch(ref, patch, options);
    },
  };
  const drops: string[] = [];
  const metrics: Metrics = { count: (name, dims) => void (name === "GateDrops" && drops.push(dims?.reason ?? "")), milliseconds() {} };
  const timers = createRecordingTimerQueue();
  const reconcile = createRequestReconciler({
    cluster,
    run: okRun,
    timers,
    clock,
    logger: silentLogger,
    metrics,
    random: () => 0.5,
    timings: DEFAULT_TIMINGS,
    workflowVersionOf: () => state.version,
  });
  const rv = async () => {
    const got = await inner.get(trigger);
    assert.ok(got.ok && isMap(got.value.metadata));
    return String(got.value.metadata.resourceVersion);
  };
  const setSpec = async (v: string) => assert.ok((await inner.mergePatch(trigger, { spec: { v } })).ok);
  const event = async (resourceVersion?: string): Promise<ReconcileRequest> => ({
    trigger,
    reason: "event",
    hash: "h",
    resourceVersion: resourceVersion ?? (await rv()),
  });
  return { clock, state, drops, timers, reconcile, rv, setSpec, event, trigger };
}

test("SRV-2 / CTL-10: after a run, events for the version it ran from or its own record write are dropped without a GET; a newer spec is read and run", async () => {
  const s = await setup();
  const created = await s.rv();
  assert.equal((await s.reconcile(await s.event())).status, "ran");
  const gets = s.state.gets;
  assert.deepEqual(await s.reconcile(await s.event(created)), { status: "dropped", why: "seen-version" });
  assert.deepEqual(await s.reconcile(await s.event()), { status: "dropped", why: "seen-version" }, "the version our record write produced");
  assert.equal(s.state.gets, gets, "no GET for either");
  await s.setSpec("2");
  assert.equal((await s.reconcile(await s.event())).status, "ran");
  assert.equal(s.state.gets, gets + 1);
});

test("CTL-12: a spec change that lands between the GET and our record write is not covered by the write's version: its event is read and run", async () => {
  const s = await setup();
  let between = "";
  s.state.beforeRecordWrite = async () => {
    await s.setSpec("2");
    between = await s.rv();
  };
  assert.equal((await s.reconcile(await s.event())).status, "ran");
  assert.ok(between !== "" && Number(between) < Number(await s.rv()), "our record write came after the change");
  const gets = s.state.gets;
  const result = await s.reconcile(await s.event(between));
  assert.equal(result.status, "ran", "the change's event runs (hash changed)");
  assert.equal(s.state.gets, gets + 1);
});

test("SRV-2: a handling that failed teaches nothing: the redelivered message is read again", async () => {
  const s = await setup();
  s.state.beforeRecordWrite = async () => "fail";
  const request = await s.event();
  await assert.rejects(s.reconcile(request), /recording reconcile state/);
  const gets = s.state.gets;
  assert.equal((await s.reconcile(request)).status, "ran");
  assert.equal(s.state.gets, gets + 1);
});

test("SRV-9: once the container's Workflow version moved, an old event is read (and runs: workflow-changed)", async () => {
  const s = await setup();
  const request = await s.event();
  await s.reconcile(request);
  s.state.version = "v2";
  const gets = s.state.gets;
  assert.equal((await s.reconcile(request)).status, "ran");
  assert.equal(s.state.gets, gets + 1);
});

test("SRV-5: a timer of a chain replaced before this container last looked is dropped without a GET; the live chain's timer is read and runs", async () => {
  const s = await setup();
  await s.reconcile(await s.event());
  const first = s.timers.scheduled.at(-1)?.request;
  s.clock.advance(10_000);
  await s.reconcile({ trigger: s.trigger, reason: "force", nonce: "n" });
  const live = s.timers.scheduled.at(-1)?.request;
  assert.ok(first?.chain !== undefined && live?.chain !== undefined && first.chain < live.chain);
  const gets = s.state.gets;
  assert.deepEqual(await s.reconcile(first), { status: "dropped", why: "seen-stale-chain" });
  assert.equal(s.state.gets, gets);
  assert.ok(live.dueAt !== undefined);
  s.clock.advance(live.dueAt - s.clock.now());
  assert.equal((await s.reconcile(live)).status, "ran");
  assert.equal(s.state.gets, gets + 1);
  assert.deepEqual(s.drops, ["seen-stale-chain"]);
});
