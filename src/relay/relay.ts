/**
 * The relay (SRV-1, SRV-9): watches the Koreo definition kinds and, dynamically,
 * every trigger kind a Workflow binds (a new binding starts a watch, a removed
 * one stops it; a re-list of Workflows replaces the set), and forwards
 * identity-only requests to the FIFO work queue through a bounded sender.
 * Trigger events pass the hash filter; definition changes fan out to the known
 * triggers. It also watches every kind a ResourceFunction may correct (bindings.ts,
 * started and stopped as ResourceFunctions come and go): a managed object that
 * another writer changed away from what Koreo applied, or deleted, re-enqueues its
 * owning trigger as a `drift` request (drift.ts), so drift is corrected in seconds
 * rather than at the next resync. It holds no state that matters across restarts:
 * a restart re-lists and forwards everything once, and the gate absorbs the
 * duplicates.
 *
 * Overflow (drop-with-relist): when the send buffer is full, the requests that do
 * not fit are dropped, their triggers' hashes forgotten and their kinds marked;
 * once the buffer has drained to half, those kinds are re-listed, and the re-list
 * forwards exactly the forgotten triggers (everything else is unchanged for the
 * filter). Memory stays bounded whatever the event rate, and the queue converges.
 * A dropped DELETED is not replayed (the object is gone from the list); the
 * handler would only have found it gone. A dropped `definitions` fan-out comes
 * back as an `event` request, which the gate runs when the Workflow version moved.
 */
import { metadataOf } from "../cluster/index.ts";
import type { KindRef, KubeObject, WatchableClusterApi, WatchEvent } from "../cluster/index.ts";
import { describeScope, namespaceScopes } from "../config/index.ts";
import { CONTROLLER_KINDS, KOREO_API_VERSION } from "../definitions/index.ts";
import type { Logger } from "../ports/index.ts";
import { triggerRefOf, type ReconcileRequest, type TriggerRef } from "../queue/index.ts";
import type { WorkQueue } from "../queue/index.ts";
import { changeHash, driftOf } from "../reconciler/index.ts";
import { isMap } from "../value/index.ts";
import type { BackoffPolicy } from "./backoff.ts";
import { boundKindsOf, managedKindOf } from "./bindings.ts";
import { mapManagedEvent } from "./drift.ts";
import { boundKindOf, kindKey } from "../workflow/index.ts";
import { createHashFilter } from "./filter.ts";
import type { RelaySnapshot } from "./health.ts";
import { definitionVersionOf, mapDefinitionChange, mapTriggerEvent } from "./map-event.ts";
import { createSender } from "./sender.ts";
import { createWatchHealth, type WatchTarget } from "./watch-health.ts";
import { watchKind, type KindWatch, type WatchBackoff } from "./watch.ts";

export interface RelayOptions {
  readonly cluster: WatchableClusterApi;
  readonly work: WorkQueue;
  readonly logger: Logger;
  /** CTL-2 lists; one holding ALL_NAMESPACES (`*`) is watched cluster-wide. */
  readonly koreoNamespaces: readonly string[];
  readonly templateNamespaces: readonly string[];
  readonly resourceNamespaces: readonly string[];
  readonly backoff: WatchBackoff;
  /** The send buffer's bound (requests); default DEFAULT_MAX_BUFFERED. */
  readonly maxBuffered?: number;
  /** The work queue's name or URL, for the logs. */
  readonly queue?: string;
  readonly sendRetry?: BackoffPolicy;
  /**
   * Watch the kinds ResourceFunctions manage for drift (default true). Needs `list`/`watch` on
   * those kinds in the relay's RBAC; without it each such watch retries (403) and logs, the triggers
   * are unaffected, and drift waits for the resync as before.
   */
  readonly watchManagedKinds?: boolean;
  /** An outage (API or queue) longer than this is a stuck state: one ERROR and a metric (default 300 s). */
  readonly relayStuckAfterSeconds?: number;
}

export interface Relay {
  /** Rejects when a definition watch gave up (only with a finite `backoff.maxErrors`). */
  readonly failed: Promise<never>;
  /** Trigger kinds currently watched (`apiVersion:kind|namespace`). */
  watchedKinds(): string[];
  /** Managed kinds currently watched for drift (`apiVersion:kind|namespace`). */
  watchedManagedKinds(): string[];
  /** Watches, sender and counters, for /readyz and /metrics. */
  snapshot(): RelaySnapshot;
  /** Resolves once everything forwarded so far reached the queue. */
  idle(): Promise<void>;
  /** Stops the watches and sends what it can until `deadline` (epoch ms, default in 5 s); resolves to the number left unsent. */
  stop(deadline?: number): Promise<number>;
}

/** ~10,000 identity-only requests are a few MB: enough to ride out a minute-long SQS blip at a busy cluster's event rate. */
export const DEFAULT_MAX_BUFFERED = 10_000;

export function startRelay(options: RelayOptions): Relay {
  const filter = createHashFilter();
  const stuckAfterMs = options.relayStuckAfterSeconds === undefined ? undefined : options.relayStuckAfterSeconds * 1000;
  const health = createWatchHealth(options.logger, Date.now, stuckAfterMs);
  const triggers = new Map<string, TriggerRef>();
  const workflows = new Map<string, KindRef>();
  const triggerWatches = new Map<string, KindWatch>();
  const resourceFunctions = new Map<string, KindRef>();
  const managedWatches = new Map<string, KindWatch>();
  const dirtyManaged = new Set<string>();
  const definitionWatches: KindWatch[] = [];
  const dirtyKinds = new Set<string>();
  let relists = 0;
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<never>((_resolve, reject) => (fail = reject));
  failed.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection

  // After an overflow, re-list the kinds whose requests were dropped: the filter forgot exactly those triggers.
  const relistDirty = () => {
    for (const kind of dirtyKinds) {
      for (const [key, watch] of triggerWatches) if (key.startsWith(`${kind}|`)) watch.relist();
      relists += 1;
    }
    // A dropped drift request comes back from a re-list of its managed kind: the object still differs.
    for (const key of dirtyManaged) managedWatches.get(key)?.relist();
    options.logger.info("Send buffer drained; re-listing the kinds whose requests were dropped.", { kinds: [...dirtyKinds, ...dirtyManaged] });
    dirtyKinds.clear();
    dirtyManaged.clear();
  };
  const sender = createSender({
    work: options.work,
    logger: options.logger,
    queue: options.queue ?? "work queue",
    maxBuffered: options.maxBuffered ?? DEFAULT_MAX_BUFFERED,
    onDrained: relistDirty,
    ...(stuckAfterMs === undefined ? {} : { stuckAfterMs }),
    ...(options.sendRetry === undefined ? {} : { retry: options.sendRetry }),
  });
  const forward = (requests: readonly ReconcileRequest[]) => {
    const dropped = sender.offer(requests);
    if (dropped.length === 0) return;
    if (dirtyKinds.size === 0)
      options.logger.warn("Send buffer full: dropping requests; their kinds are re-listed once it drains.", { dropped: dropped.length });
    for (const request of dropped) {
      filter.forget(request.trigger.uid);
      dirtyKinds.add(kindName(request.trigger));
    }
  };

  const watch = (key: string, target: WatchTarget, rest: Pick<Parameters<typeof watchKind>[0], "onEvent" | "onList" | "backoff">) => {
    const started = watchKind({ ...options, ...target, ...rest, onStatus: (status) => health.update(key, target, status) });
    started.done.catch((error: Error) => fail(error));
    return started;
  };

  const onTrigger = (event: WatchEvent) => {
    const hash = changeHash(event.object);
    const ref = triggerRefOf(event.object);
    if (ref !== undefined) event.type === "DELETED" ? triggers.delete(ref.uid) : triggers.set(ref.uid, ref);
    if (filter.admit(event, hash)) forward(mapTriggerEvent(event, hash));
  };

  // Drift (drift.ts): a managed object changed by someone else, or deleted, re-enqueues its trigger.
  const onManaged = (watchKey: string) => (event: WatchEvent) => {
    const requests = mapManagedEvent(event, new Set(boundKindsOf(workflows).keys()), driftOf);
    if (requests.length > 0 && sender.offer(requests).length > 0) dirtyManaged.add(watchKey);
  };

  // A broken trigger kind (403, 404) must never stop the relay: its watch retries forever.
  const triggerBackoff: WatchBackoff = { ...options.backoff, maxErrors: Number.POSITIVE_INFINITY };
  const syncTriggerWatches = () => {
    const wanted = [...boundKindsOf(workflows).values()];
    const wantedNames = new Set(wanted.map(kindName));
    for (const [key, running] of triggerWatches) {
      if (wantedNames.has(key.slice(0, key.lastIndexOf("|")))) continue;
      running.stop();
      triggerWatches.delete(key);
      options.logger.info(`Stopped watching ${key}: no Workflow binds it.`);
    }
    for (const ref of wanted) {
      for (const namespace of namespaceScopes(options.resourceNamespaces)) {
        const watchKey = `${kindName(ref)}|${namespace}`;
        if (triggerWatches.has(watchKey)) continue;
        triggerWatches.set(watchKey, watch(watchKey, { role: "trigger", ...ref, namespace }, { onEvent: onTrigger, backoff: triggerBackoff }));
        options.logger.info(`Watching ${ref.kind} (${ref.apiVersion}) in ${describeScope(namespace)}.`);
      }
    }
  };

  // One watch per kind some ResourceFunction may correct, in the resource namespaces (where triggers, and so their owned objects, live).
  const syncManagedWatches = () => {
    const wanted = new Map<string, KindRef>();
    if (options.watchManagedKinds !== false) for (const ref of resourceFunctions.values()) wanted.set(kindName(ref), ref);
    for (const [key, running] of managedWatches) {
      if (wanted.has(key.slice(0, key.lastIndexOf("|")))) continue;
      running.stop();
      managedWatches.delete(key);
      options.logger.info(`Stopped watching ${key} for drift: no ResourceFunction manages it.`);
    }
    for (const ref of wanted.values()) {
      for (const namespace of namespaceScopes(options.resourceNamespaces)) {
        const watchKey = `${kindName(ref)}|${namespace}`;
        if (managedWatches.has(watchKey)) continue;
        // Health keys apart from a trigger watch of the same kind (a Workflow may manage another's triggers).
        const target: WatchTarget = { role: "managed", ...ref, namespace };
        managedWatches.set(watchKey, watch(`managed:${watchKey}`, target, { onEvent: onManaged(watchKey), backoff: triggerBackoff }));
        options.logger.info(`Watching ${ref.kind} (${ref.apiVersion}) in ${describeScope(namespace)} for drift.`);
      }
    }
  };

  // A definition event fans out only when its version moved: status (CRD-4) and metadata-only writes don't.
  const definitionVersions = createHashFilter();
  const onDefinition = (event: WatchEvent, replay: boolean) => {
    if (event.object.kind === "Workflow") trackWorkflow(workflows, event);
    if (event.object.kind === "ResourceFunction") trackResourceFunction(resourceFunctions, event);
    syncTriggerWatches();
    syncManagedWatches();
    const moved = definitionVersions.admit(event, definitionVersionOf(event.object));
    if (moved && !replay) forward(mapDefinitionChange(event.object, triggers.values()));
  };

  // CTL-5: a (re-)list of Workflows is the whole set in its namespace; those gone while disconnected lose their bindings.
  const onWorkflowList = (namespace: string) => (listed: readonly KubeObject[]) => {
    forgetUnlisted(workflows, namespace, listed);
    syncTriggerWatches();
  };
  const onResourceFunctionList = (namespace: string) => (listed: readonly KubeObject[]) => {
    forgetUnlisted(resourceFunctions, namespace, listed);
    syncManagedWatches();
  };

  for (const kind of CONTROLLER_KINDS) {
    const namespaces = kind === "ResourceTemplate" ? options.templateNamespaces : options.koreoNamespaces;
    for (const namespace of namespaceScopes(namespaces)) {
      const onList =
        kind === "Workflow" ? { onList: onWorkflowList(namespace) } : kind === "ResourceFunction" ? { onList: onResourceFunctionList(namespace) } : {};
      const target: WatchTarget = { role: "definition", apiVersion: KOREO_API_VERSION, kind, namespace };
      definitionWatches.push(watch(`${KOREO_API_VERSION}:${kind}|${namespace}`, target, { onEvent: onDefinition, backoff: options.backoff, ...onList }));
    }
  }

  const allWatches = () => [...definitionWatches, ...triggerWatches.values(), ...managedWatches.values()];
  return {
    failed,
    watchedKinds: () => [...triggerWatches.keys()].sort(),
    watchedManagedKinds: () => [...managedWatches.keys()].sort(),
    snapshot: () => ({
      watches: health.entries(),
      sender: sender.status(),
      errorCounts: health.errorCounts(),
      relists,
      apiOutage: health.apiOutage(),
      apiStuck: health.apiStuck(),
    }),
    idle: () => sender.idle(),
    async stop(deadline = Date.now() + 5_000) {
      for (const running of allWatches()) running.stop();
      // A watch stuck in a request to an unreachable API server must not hold the shutdown past the deadline.
      await raceDeadline(Promise.allSettled(allWatches().map((w) => w.done)), deadline);
      return sender.close(deadline);
    },
  };
}

function raceDeadline(work: Promise<unknown>, deadline: number): Promise<unknown> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise((resolve) => (timer = setTimeout(resolve, remaining)));
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

function workflowKey(workflow: KubeObject): string {
  const metadata = metadataOf(workflow);
  return `${String(metadata.namespace)}/${String(metadata.name)}`;
}

/** Drops the namespace's (all of them for "") Workflows a list no longer holds; the listed ones are then replayed as ADDED. */
function forgetUnlisted(workflows: Map<string, KindRef>, namespace: string, listed: readonly KubeObject[]): void {
  const present = new Set(listed.map(workflowKey));
  for (const key of [...workflows.keys()]) {
    if ((namespace === "" || key.startsWith(`${namespace}/`)) && !present.has(key)) workflows.delete(key);
  }
}

function trackWorkflow(workflows: Map<string, KindRef>, event: WatchEvent): void {
  const key = workflowKey(event.object);
  const ref = event.type === "DELETED" ? undefined : boundKindOf(event.object);
  if (ref === undefined) workflows.delete(key);
  else workflows.set(key, ref);
}

/** A ResourceFunction's managed kind (bindings.ts), or none when it corrects nothing or is gone. */
function trackResourceFunction(resourceFunctions: Map<string, KindRef>, event: WatchEvent): void {
  const key = workflowKey(event.object);
  const ref = event.type === "DELETED" ? undefined : managedKindOf(event.object);
  if (ref === undefined) resourceFunctions.delete(key);
  else resourceFunctions.set(key, ref);
}

/** How watches, logs and metrics name a kind: `apiVersion:Kind` (a watch adds `|namespace`). */
function kindName(ref: KindRef): string {
  return `${ref.apiVersion}:${ref.kind}`;
}
