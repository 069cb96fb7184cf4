/**
 * The relay (SRV-1, SRV-9): watches the Koreo definition kinds and, dynamically,
 * every trigger kind a Workflow binds (a new binding starts a watch, a removed
 * one stops it; a re-list of Workflows replaces the set), and forwards
 * identity-only requests to the FIFO work queue.
 * Trigger events pass the hash filter; definition changes fan out to the known
 * triggers. It holds no state that matters across restarts: a restart re-lists
 * and forwards everything once, and the gate absorbs the duplicates.
 */
import type { KubeObject, WatchableClusterApi, WatchEvent } from "../cluster/cluster-api.ts";
import { describeScope, namespaceScopes } from "../config/config.ts";
import { CONTROLLER_KINDS, KOREO_API_VERSION } from "../definitions/definition.ts";
import type { Logger } from "../ports/logger.ts";
import { triggerRefOf, type TriggerRef } from "../queue/messages.ts";
import type { WorkQueue } from "../queue/queue.ts";
import { changeHash } from "../reconciler/change-hash.ts";
import { isMap } from "../value/value.ts";
import { boundKindsOf, crdRefOf, type BoundKindRef } from "./bindings.ts";
import { createHashFilter } from "./filter.ts";
import { definitionVersionOf, mapDefinitionChange, mapTriggerEvent } from "./map-event.ts";
import { createSender } from "./sender.ts";
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
}

export interface Relay {
  /** Rejects when a watch gave up (the process should exit and be restarted). */
  readonly failed: Promise<never>;
  /** Trigger kinds currently watched (`apiVersion:kind`). */
  watchedKinds(): string[];
  /** Resolves once everything forwarded so far reached the queue. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startRelay(options: RelayOptions): Relay {
  const sender = createSender(options.work, options.logger);
  const filter = createHashFilter();
  const triggers = new Map<string, TriggerRef>();
  const workflows = new Map<string, BoundKindRef>();
  const triggerWatches = new Map<string, KindWatch>();
  const definitionWatches: KindWatch[] = [];
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<never>((_resolve, reject) => (fail = reject));
  failed.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  const supervise = (watch: KindWatch) => watch.done.catch((error: Error) => fail(error));

  const onTrigger = (event: WatchEvent) => {
    const hash = changeHash(event.object);
    const ref = triggerRefOf(event.object);
    if (ref !== undefined) event.type === "DELETED" ? triggers.delete(ref.uid) : triggers.set(ref.uid, ref);
    if (filter.admit(event, hash)) sender.push(mapTriggerEvent(event, hash));
  };

  const syncTriggerWatches = () => {
    const wanted = boundKindsOf(workflows);
    for (const [key, watch] of triggerWatches) {
      if (wanted.has(key.slice(0, key.lastIndexOf("|")))) continue;
      watch.stop();
      triggerWatches.delete(key);
      options.logger.info(`Stopped watching ${key}: no Workflow binds it.`);
    }
    for (const [key, ref] of wanted) {
      for (const namespace of namespaceScopes(options.resourceNamespaces)) {
        const watchKey = `${key}|${namespace}`;
        if (triggerWatches.has(watchKey)) continue;
        const watch = watchKind({ ...options, ...ref, namespace, onEvent: onTrigger });
        triggerWatches.set(watchKey, watch);
        supervise(watch);
        options.logger.info(`Watching ${ref.kind} (${ref.apiVersion}) in ${describeScope(namespace)}.`);
      }
    }
  };

  // A definition event fans out only when its version moved: status (CRD-4) and metadata-only writes don't.
  const definitionVersions = createHashFilter();
  const onDefinition = (event: WatchEvent, replay: boolean) => {
    if (event.object.kind === "Workflow") trackWorkflow(workflows, event);
    syncTriggerWatches();
    const moved = definitionVersions.admit(event, definitionVersionOf(event.object));
    if (moved && !replay) sender.push(mapDefinitionChange(event.object, triggers.values()));
  };

  // CTL-5: a (re-)list of Workflows is the whole set in its namespace; those gone while disconnected lose their bindings.
  const onWorkflowList = (namespace: string) => (listed: readonly KubeObject[]) => {
    forgetUnlisted(workflows, namespace, listed);
    syncTriggerWatches();
  };

  for (const kind of CONTROLLER_KINDS) {
    const namespaces = kind === "ResourceTemplate" ? options.templateNamespaces : options.koreoNamespaces;
    for (const namespace of namespaceScopes(namespaces)) {
      const onList = kind === "Workflow" ? { onList: onWorkflowList(namespace) } : {};
      const watch = watchKind({ ...options, apiVersion: KOREO_API_VERSION, kind, namespace, onEvent: onDefinition, ...onList });
      definitionWatches.push(watch);
      supervise(watch);
    }
  }

  return {
    failed,
    watchedKinds: () => [...triggerWatches.keys()].sort(),
    idle: () => sender.idle(),
    async stop() {
      for (const watch of [...definitionWatches, ...triggerWatches.values()]) watch.stop();
      await Promise.allSettled([...definitionWatches, ...triggerWatches.values()].map((w) => w.done));
      await sender.idle();
    },
  };
}

function workflowKey(workflow: KubeObject): string {
  const metadata = isMap(workflow.metadata) ? workflow.metadata : {};
  return `${String(metadata.namespace)}/${String(metadata.name)}`;
}

/** Drops the namespace's (all of them for "") Workflows a list no longer holds; the listed ones are then replayed as ADDED. */
function forgetUnlisted(workflows: Map<string, BoundKindRef>, namespace: string, listed: readonly KubeObject[]): void {
  const present = new Set(listed.map(workflowKey));
  for (const key of [...workflows.keys()]) {
    if ((namespace === "" || key.startsWith(`${namespace}/`)) && !present.has(key)) workflows.delete(key);
  }
}

function trackWorkflow(workflows: Map<string, BoundKindRef>, event: WatchEvent): void {
  const key = workflowKey(event.object);
  const ref = event.type === "DELETED" ? undefined : crdRefOf(event.object);
  if (ref === undefined) workflows.delete(key);
  else workflows.set(key, ref);
}
