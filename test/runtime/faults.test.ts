/**
 * Fast recovery with the settings serverless.yml deploys (SRV-6, SRV-7, CTL-11, CTL-13): the
 * reconcile handler runs in a child process (test/runtime/support/fault-handler.ts) against the
 * embedded API server over HTTP, through a proxy that injects faults, and fauxqs queues created
 * with the deployed visibility timeouts and maxReceiveCount; it polls with the deployed batch
 * size and function timeout. A handler SIGKILLed while a run is blocked on an API call, or an
 * API call failing once during a run, leaves the trigger reconciled again within 60 s.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SQS } from "@aws-sdk/client-sqs";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { explicitKubeAccess } from "../../src/cluster/adapters/kube-access.ts";
import type { KubeObject, WatchableClusterApi } from "../../src/cluster/cluster-api.ts";
import { RECORD_MARGIN_SECONDS } from "../../src/lambda/sqs-batch.ts";
import { applyManifests, readManifests } from "../../src/local/apply.ts";
import { startLocalSqs, type LocalSqs } from "../../src/local/sqs.ts";
import { createSqsWorkQueue } from "../../src/queue/adapters/sqs.ts";
import { triggerRefOf, type TriggerRef } from "../../src/queue/messages.ts";
import { changeHash } from "../../src/reconciler/change-hash.ts";
import { readRecord } from "../../src/reconciler/record.ts";
import { waitFor } from "../support/e2e.ts";
import { deployedSettings } from "./support/deployed.ts";
import { startFaultProxy, type Fault, type FaultProxy, type ProxiedCall } from "./support/fault-proxy.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const NS = "koreo-e2e";
const deployed = deployedSettings();
/** The slice of infra/aws/koreo-params.mjs these tests call. */
type ParamsPlugin = new (serverless: { classes: { Error: ErrorConstructor } }) => {
  configurationVariablesSources: {
    koreo: {
      resolve(input: { address: string; resolveVariable: (name: string) => Promise<unknown>; options: { stage?: string } }): Promise<{ value: unknown }>;
    };
  };
};

/** The acceptance bound: a trigger hit by a fault is reconciled again within a minute. */
const RECOVERY_MS = 60_000;

describe("SRV-6: the deployed queue and function settings agree", () => {
  it("CTL-11 / SRV-6: visibility ≥ function timeout (CloudFormation refuses less), and the budget + record margin fit inside the function timeout", () => {
    assert.ok(deployed.workVisibilitySeconds >= deployed.reconcileTimeoutSeconds, "work queue visibility ≥ reconcile timeout");
    assert.ok(deployed.timerVisibilitySeconds >= deployed.timerTimeoutSeconds, "timer queue visibility ≥ timer timeout");
    assert.ok(deployed.reconcileBudgetSeconds + RECORD_MARGIN_SECONDS < deployed.reconcileTimeoutSeconds, "a record can start in a fresh invocation");
    // A killed handler's record comes back one visibility timeout after its receive; leave at least half the minute for the rerun.
    assert.ok(deployed.workVisibilitySeconds * 1000 <= RECOVERY_MS / 2, "visibility leaves room to recover within a minute");
  });

  it("SRV-6: the params check accepts the deployed budget and refuses one that would leave no record time to start", async () => {
    // The serverless plugin that checks stage parameters (plain JS, loaded as packaging loads it).
    const { default: KoreoParams } = (await import(new URL("../../infra/aws/koreo-params.mjs", import.meta.url).href)) as { default: ParamsPlugin };
    const plugin = new KoreoParams({ classes: { Error } });
    const resolve = (value: string) =>
      plugin.configurationVariablesSources.koreo.resolve({ address: "reconcileBudgetSeconds", resolveVariable: async () => value, options: { stage: "t" } });
    assert.deepEqual(await resolve(String(deployed.reconcileBudgetSeconds)), { value: deployed.reconcileBudgetSeconds });
    const tooLong = deployed.reconcileTimeoutSeconds - RECORD_MARGIN_SECONDS;
    await assert.rejects(resolve(String(tooLong)), /reconcileBudgetSeconds/);
  });
});

describe("Fast recovery over HTTP and fauxqs, with the deployed settings", { timeout: 300_000 }, () => {
  let api: RunningApiServer;
  let proxy: FaultProxy;
  let sqs: LocalSqs;
  let client: SQS;
  let direct: WatchableClusterApi;
  let handler: ChildProcess | undefined;
  const stderr: string[] = [];

  before(async () => {
    // startLocalSqs gives both queues one visibility: the work queue's, the one a killed reconcile handler waits out.
    api = await startApiServer({ port: 0 });
    proxy = await startFaultProxy(api.url);
    sqs = await startLocalSqs({ visibilityTimeoutSeconds: deployed.workVisibilitySeconds, maxReceiveCount: deployed.maxReceiveCount });
    client = new SQS({ endpoint: sqs.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    direct = createClientNodeCluster(explicitKubeAccess(api.url));
    await applyManifests(direct, [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } },
      ...readManifests([`${root}infra/crds`, `${root}test/e2e/fixtures/widget-crd.yaml`, `${root}test/e2e/fixtures/widget-program.yaml`]),
    ]);
    handler = await startHandler();
  });

  after(async () => {
    await stopHandler();
    client?.destroy();
    await sqs?.stop();
    await proxy?.close();
    await api?.close();
  });

  /** A fresh reconcile "container" (child process) reaching the API server through the fault proxy. */
  async function startHandler(): Promise<ChildProcess> {
    const env = {
      PATH: process.env.PATH ?? "",
      KUBE_SERVER: proxy.url,
      SQS_ENDPOINT: sqs.endpoint,
      KOREO_WORK_QUEUE_URL: sqs.workUrl,
      KOREO_WORK_QUEUE_ARN: sqs.workArn,
      KOREO_TIMER_QUEUE_URL: sqs.timerUrl,
      KOREO_TIMER_QUEUE_ARN: sqs.timerArn,
      KOREO_NAMESPACE: NS,
      RESOURCE_NAMESPACE: NS,
      KOREO_MAX_RECEIVE_COUNT: String(deployed.maxReceiveCount),
      KOREO_RECONCILE_TIMEOUT_SECONDS: String(deployed.reconcileBudgetSeconds),
      KOREO_BATCH_SIZE: String(deployed.batchSize),
      KOREO_FUNCTION_TIMEOUT_MS: String(deployed.reconcileTimeoutSeconds * 1000),
    };
    const child = spawn(process.execPath, ["--import", "tsx", `${root}test/runtime/support/fault-handler.ts`], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => chunk.toString("utf8").includes("ready") && resolve());
      child.once("exit", (code) => reject(new Error(`handler exited (${code}) before it was ready: ${stderr.join("")}`)));
    });
    return child;
  }

  async function stopHandler(): Promise<void> {
    const child = handler;
    handler = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
    if (!result.ok) assert.fail(result.error.message);
    return result.value;
  }

  const widgetRef = (name: string) => ({ apiVersion: "e2e.koreo.dev/v1", kind: "Widget", name, namespace: NS });
  const configMap = async (name: string): Promise<KubeObject | undefined> => {
    const got = await direct.get({ apiVersion: "v1", kind: "ConfigMap", name: `${name}-cm`, namespace: NS });
    return got.ok ? got.value : undefined;
  };

  /** Applies the widget and enqueues its event, as the relay would (identity, hash and version only). */
  async function change(name: string, value: string, labels: Record<string, string> = {}): Promise<TriggerRef> {
    const metadata = { name, namespace: NS, labels };
    const object = must(await direct.apply({ ...widgetRef(name), metadata, spec: { value } }, { fieldManager: "test", force: true }));
    const ref = triggerRefOf(object);
    assert.ok(ref);
    const resourceVersion = String((object.metadata as { resourceVersion?: string }).resourceVersion);
    await createSqsWorkQueue(client, sqs.workUrl).enqueue([{ trigger: ref, reason: "event", hash: changeHash(object), resourceVersion }]);
    return ref;
  }

  /** The trigger's record was taken from its current spec and its ConfigMap holds `value`. */
  async function reconciledOn(name: string, value: string): Promise<true | undefined> {
    const trigger = must(await direct.get(widgetRef(name)));
    const data = (await configMap(name))?.data;
    const ok = readRecord(trigger)?.hash === changeHash(trigger) && typeof data === "object" && data !== null && (data as { value?: unknown }).value === value;
    return ok ? true : undefined;
  }

  /** Waits for the trigger to be reconciled on `value`; returns the milliseconds since `since`. */
  async function recovered(name: string, value: string, since: number): Promise<number> {
    await waitFor(`${name} reconciled on ${value} again`, () => reconciledOn(name, value), RECOVERY_MS + 5_000).catch((error: Error) => {
      throw new Error(`${error.message}; handler stderr:\n${stderr.join("").slice(-4000)}`);
    });
    return Date.now() - since;
  }

  const within = <T>(what: string, promise: Promise<T>, ms = 30_000): Promise<T> =>
    Promise.race([promise, new Promise<T>((_resolve, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref())]);

  it("SRV-6 / CTL-11: a handler SIGKILLed while its run waits on an API call → a fresh handler reconciles the trigger within 60 s", async (t) => {
    // The run's read of the managed ConfigMap never answers: the handler is stuck mid-batch.
    const held = proxy.inject("hold", (c) => c.path.startsWith(`/api/v1/namespaces/${NS}/configmaps`));
    await change("killed", "a");
    await within("the run to block on the ConfigMap read", held);
    await stopHandler();
    const killedAt = Date.now();
    proxy.release();
    handler = await startHandler();
    const elapsed = await recovered("killed", "a", killedAt);
    t.diagnostic(`reconciled again ${elapsed} ms after the kill (visibility ${deployed.workVisibilitySeconds} s)`);
    assert.ok(elapsed <= RECOVERY_MS, `reconciled again after ${elapsed} ms`);
  });

  for (const fault of ["500", "reset"] as const satisfies readonly Fault[]) {
    it(`SRV-7 / RF-28: the managed object's PATCH failing once (${fault}) → the trigger is reconciled again within 60 s`, async (t) => {
      const name = `patched-${fault}`;
      await change(name, "a");
      await waitFor(`${name} settled`, () => reconciledOn(name, "a"), 30_000);
      const failed = proxy.inject(fault, (c) => c.method === "PATCH" && c.path === `/api/v1/namespaces/${NS}/configmaps/${name}-cm`);
      await change(name, "b");
      await within("the ConfigMap PATCH", failed);
      const elapsed = await recovered(name, "b", Date.now());
      t.diagnostic(`reconciled again ${elapsed} ms after the failed PATCH`);
      assert.ok(elapsed <= RECOVERY_MS, `reconciled again after ${elapsed} ms`);
    });
  }

  it("SRV-7: the trigger's own write failing once (the record patch answers 500) → the request comes back early and the trigger is reconciled within 60 s", async (t) => {
    const name = "recorded";
    // A first pass sends the record in its status patch (the record rides on the run's write), so that is the write failing here.
    const isRecordWrite = (c: ProxiedCall) => c.method === "PATCH" && c.path.endsWith(`/widgets/${name}`) && c.body.includes("koreo.dev/reconcile-state");
    const failed = proxy.inject("500", isRecordWrite);
    await change(name, "a");
    await within("the record write", failed);
    const elapsed = await recovered(name, "a", Date.now());
    t.diagnostic(`reconciled again ${elapsed} ms after the failed record write`);
    assert.ok(elapsed <= RECOVERY_MS, `reconciled again after ${elapsed} ms`);
  });

  it("SRV-7: a record written alone failing once (a label changed: the status did not) → the request comes back early and the record catches up within 60 s", async (t) => {
    const name = "record-alone";
    // Created (Ready condition: reason Wait, the ConfigMap was just created), then moved to reason
    // Ready by the next pass (no timer handler here: a label change brings it).
    const ready = async () => {
      const conditions = (must(await direct.get(widgetRef(name))).status as { conditions?: { type?: string; reason?: string }[] } | undefined)?.conditions;
      return (await reconciledOn(name, "a")) === true && conditions?.some((c) => c.type === "Ready" && c.reason === "Ready") === true ? true : undefined;
    };
    await change(name, "a");
    await waitFor(`${name} created`, () => reconciledOn(name, "a"), 30_000);
    await change(name, "a", { team: "blue" });
    await waitFor(`${name} Ready`, ready, 30_000);
    // The relabelled trigger runs to the same status: nothing rides on a status write, so the record is patched alone.
    const isRecordAlone = (c: ProxiedCall) =>
      c.method === "PATCH" && c.path.endsWith(`/widgets/${name}`) && c.body.includes("koreo.dev/reconcile-state") && !c.body.includes('"status"');
    const failed = proxy.inject("500", isRecordAlone);
    await change(name, "a", { team: "green" });
    await within("the record write", failed);
    const elapsed = await recovered(name, "a", Date.now());
    t.diagnostic(`record caught up ${elapsed} ms after the failed write`);
    assert.ok(elapsed <= RECOVERY_MS, `record caught up after ${elapsed} ms`);
  });

  it("SRV-7 / CTL-14: the trigger's status write failing once (500) → back in seconds like a failed record, not after a 30–60 s system-error backoff", async (t) => {
    const name = "status-write";
    // The run's one status patch (ST-1): it carries `state` (and the record riding on it); a record written alone does not.
    const isStatusWrite = (c: ProxiedCall) => c.method === "PATCH" && c.path.includes(`/widgets/${name}`) && c.body.includes('"state"');
    const failed = proxy.inject("500", isStatusWrite);
    await change(name, "a");
    await within("the status write", failed);
    const since = Date.now();
    await waitFor(
      `${name}'s status written`,
      async () => {
        const trigger = must(await direct.get(widgetRef(name)));
        const status = trigger.status as { state?: { configMap?: unknown } } | undefined;
        return (await reconciledOn(name, "a")) === true && status?.state?.configMap === `${name}-cm` ? true : undefined;
      },
      RECOVERY_MS + 5_000,
    );
    const elapsed = Date.now() - since;
    t.diagnostic(`status written ${elapsed} ms after the failed status write`);
    // Below CTL-14's first system-error backoff (30 s base): the message came back as a failed record does (5 s).
    assert.ok(elapsed < 30_000, `status written after ${elapsed} ms`);
  });
});
