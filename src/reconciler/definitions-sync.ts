/**
 * SRV-8: a warm container keeps its prepared definitions and brings them up to
 * date by listing the definition kinds (at most every `ttlSeconds`, or at once
 * when a request says definitions changed). The registry re-prepares only
 * definitions whose resourceVersion moved (CACHE-2), so a refresh with no
 * change costs the LISTs and nothing else. A cold start lists and prepares once.
 */
import type { ClusterReader } from "../cluster/cluster-api.ts";
import { KOREO_API_VERSION, type KoreoKind } from "../definitions/definition.ts";
import { definitionFromObject } from "../definitions/document.ts";
import type { Registry } from "../definitions/registry.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";

/** CTL-1 order: dependencies first, so most definitions prepare once. FunctionTests are not needed to reconcile. */
const KINDS: readonly KoreoKind[] = ["ResourceTemplate", "ValueFunction", "ResourceFunction", "Workflow"];

export interface DefinitionsSyncOptions {
  readonly cluster: ClusterReader;
  readonly registry: Registry;
  readonly koreoNamespaces: readonly string[];
  readonly templateNamespaces: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ttlSeconds: number;
}

export interface DefinitionsSync {
  refresh(changed: boolean): Promise<void>;
}

export function createDefinitionsSync(options: DefinitionsSyncOptions): DefinitionsSync {
  let loadedAt: number | undefined;
  let known = new Map<string, { kind: KoreoKind; name: string; namespace: string }>();
  return {
    async refresh(changed) {
      const now = options.clock.now();
      if (!changed && loadedAt !== undefined && now - loadedAt < options.ttlSeconds * 1000) return;
      const listed = await listAll(options, loadedAt === undefined);
      if (listed === undefined) return; // a warm container keeps serving its last definitions
      for (const [key, ref] of known) if (!listed.has(key)) options.registry.remove(ref.kind, ref.name, ref.namespace);
      known = listed;
      loadedAt = now;
    },
  };
}

/** Lists and upserts every definition; undefined when a list failed on a warm container. A cold start cannot run without definitions: it throws. */
async function listAll(options: DefinitionsSyncOptions, cold: boolean): Promise<Map<string, { kind: KoreoKind; name: string; namespace: string }> | undefined> {
  const seen = new Map<string, { kind: KoreoKind; name: string; namespace: string }>();
  for (const kind of KINDS) {
    const namespaces = kind === "ResourceTemplate" ? options.templateNamespaces : options.koreoNamespaces;
    for (const namespace of namespaces) {
      const listed = await options.cluster.list(KOREO_API_VERSION, kind, { namespace });
      if (!listed.ok) {
        if (cold) throw new Error(`listing ${kind} in ${namespace}: ${listed.error.reason}: ${listed.error.message}`);
        options.logger.warn(`Could not refresh ${kind} definitions; keeping the cached ones.`, { namespace, error: listed.error.message });
        return undefined;
      }
      for (const item of listed.value.items) {
        const definition = definitionFromObject({ apiVersion: KOREO_API_VERSION, kind, ...item });
        if (!("spec" in definition)) {
          options.logger.warn(`Skipping unreadable ${kind} definition.`, { namespace, problem: definition.message });
          continue;
        }
        options.registry.upsert(definition);
        seen.set(`${kind}/${namespace}/${definition.name}`, { kind, name: definition.name, namespace });
      }
    }
  }
  return seen;
}
