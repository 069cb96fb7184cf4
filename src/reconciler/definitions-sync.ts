/**
 * SRV-8: a warm container keeps its prepared definitions and brings them up to
 * date by listing the definition kinds (at most every `ttlSeconds`, or at once
 * when a request says definitions changed). The registry re-prepares only
 * definitions whose resourceVersion moved (CACHE-2), so a refresh with no
 * change costs the LISTs and nothing else. A cold start lists and prepares once.
 */
import { metadataOf } from "../cluster/index.ts";
import type { ClusterReader, ClusterWriter } from "../cluster/index.ts";
import { describeScope, namespaceScopes } from "../config/index.ts";
import { CONTROLLER_KINDS, KOREO_API_VERSION, type DefinitionRef, type KoreoKind } from "../definitions/index.ts";
import { definitionFromObject } from "../definitions/index.ts";
import type { Registry } from "../definitions/index.ts";
import type { Clock } from "../ports/index.ts";
import type { Logger } from "../ports/index.ts";
import { isMap, type Value } from "../value/index.ts";
import { desiredConditions, readiness, wholeNumber } from "./definition-status.ts";

/** CTL-1 order: dependencies first, so most definitions prepare once. FunctionTests are not needed to reconcile. */

export interface DefinitionsSyncOptions {
  readonly cluster: ClusterReader & Pick<ClusterWriter, "mergePatch">;
  readonly registry: Registry;
  /** CTL-2 lists; one holding ALL_NAMESPACES (`*`) is listed cluster-wide (its order still ranks the copies). */
  readonly koreoNamespaces: readonly string[];
  readonly templateNamespaces: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ttlSeconds: number;
  /** CRD-4: publish each definition's Ready condition through the status subresource. */
  readonly definitionStatus: boolean;
}

export interface DefinitionsSync {
  refresh(changed: boolean): Promise<void>;
}

/** One listed definition copy, as last seen in the cluster. */
interface Listed {
  readonly kind: KoreoKind;
  readonly name: string;
  readonly namespace: string;
  readonly generation?: number;
  readonly status?: Value;
}

interface Listing {
  readonly seen: Map<string, Listed>;
  /** Refs whose registry entries changed (CACHE-4 dependants included). */
  readonly changed: DefinitionRef[];
}

const listedKey = (kind: KoreoKind, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

export function createDefinitionsSync(options: DefinitionsSyncOptions): DefinitionsSync {
  let loadedAt: number | undefined;
  let known = new Map<string, Listed>();
  let running: Promise<void> | undefined;
  const load = async () => {
    const now = options.clock.now();
    const cold = loadedAt === undefined;
    const listing = await listAll(options, cold);
    if (listing === undefined) return; // a warm container keeps serving its last definitions
    for (const [key, ref] of known) if (!listing.seen.has(key)) listing.changed.push(...options.registry.remove(ref.kind, ref.name, ref.namespace));
    known = listing.seen;
    loadedAt = now;
    // A cold container cannot know what earlier containers wrote: it checks every entry once.
    if (options.definitionStatus) await publishStatus(options, known, cold ? allRefs(options.registry) : listing.changed);
  };
  // Concurrent records (sqs-batch.ts) share one listing: a request joins the refresh in flight
  // (and its failure); one told the definitions moved lists again after it, as the one it joined
  // may have started before the change.
  return {
    async refresh(changed) {
      if (running !== undefined) {
        await running;
        if (!changed) return;
      }
      const now = options.clock.now();
      if (!changed && loadedAt !== undefined && now - loadedAt < options.ttlSeconds * 1000) return;
      running ??= load().finally(() => (running = undefined));
      await running;
    },
  };
}

/** Lists and upserts every definition; undefined when a list failed on a warm container. A cold start cannot run without definitions: it throws. */
async function listAll(options: DefinitionsSyncOptions, cold: boolean): Promise<Listing | undefined> {
  const seen = new Map<string, Listed>();
  const changed: DefinitionRef[] = [];
  for (const kind of CONTROLLER_KINDS) {
    const namespaces = kind === "ResourceTemplate" ? options.templateNamespaces : options.koreoNamespaces;
    for (const scope of namespaceScopes(namespaces)) {
      const listed = await options.cluster.list(KOREO_API_VERSION, kind, { namespace: scope });
      if (!listed.ok) {
        if (cold) throw new Error(`listing ${kind} in ${describeScope(scope)}: ${listed.error.reason}: ${listed.error.message}`);
        options.logger.warn(`Could not refresh ${kind} definitions; keeping the cached ones.`, {
          namespace: describeScope(scope),
          error: listed.error.message,
        });
        return undefined;
      }
      for (const item of listed.value.items) {
        const definition = definitionFromObject({ apiVersion: KOREO_API_VERSION, kind, ...item });
        if (!("spec" in definition)) {
          options.logger.warn(`Skipping unreadable ${kind} definition.`, { namespace: describeScope(scope), problem: definition.message });
          continue;
        }
        // A cluster-wide list ("") holds every namespace's copy: each keeps its own namespace.
        const namespace = definition.namespace ?? scope;
        const key = listedKey(kind, namespace, definition.name);
        const copy: Listed = { kind, name: definition.name, namespace, ...observed(item) };
        changed.push(...options.registry.upsert(definition));
        seen.set(key, copy);
      }
    }
  }
  return { seen, changed };
}

function observed(item: Value): Pick<Listed, "generation" | "status"> {
  if (!isMap(item)) return {};
  const metadata = metadataOf(item);
  const generation = wholeNumber(metadata.generation);
  return {
    ...(generation !== undefined && { generation }),
    ...(item.status !== undefined && { status: item.status }),
  };
}

function allRefs(registry: Registry): DefinitionRef[] {
  return CONTROLLER_KINDS.flatMap((kind) => [...registry.entries(kind)].map((entry) => ({ kind, name: entry.definition.name })));
}

/**
 * CRD-3/CRD-4: merge-patches the Ready condition of each ref's winning copy through `/status`,
 * only where the live status says something else. A failed write is logged and never fails
 * the reconcile: the status is information (VAL-1), the next change or cold start retries it.
 */
async function publishStatus(options: DefinitionsSyncOptions, listed: ReadonlyMap<string, Listed>, refs: readonly DefinitionRef[]): Promise<void> {
  const nowIso = new Date(options.clock.now()).toISOString();
  const unique = new Map(refs.map((ref) => [`${ref.kind}:${ref.name}`, ref]));
  for (const ref of unique.values()) {
    const entry = options.registry.get(ref.kind, ref.name);
    const namespace = entry?.definition.namespace;
    if (entry === undefined || namespace === undefined) continue;
    const live = listed.get(listedKey(ref.kind, namespace, ref.name));
    const conditions = desiredConditions(readiness(entry, options.registry), live?.status, live?.generation, nowIso);
    if (conditions === undefined) continue;
    const target = { apiVersion: KOREO_API_VERSION, kind: ref.kind, name: ref.name, namespace };
    const written = await options.cluster.mergePatch(target, { status: { conditions } }, { subresource: "status" });
    if (!written.ok)
      options.logger.warn(`Could not write the Ready condition of ${ref.kind}:${ref.name}.`, {
        namespace,
        reason: written.error.reason,
        error: written.error.message,
      });
  }
}
