/**
 * `koreo plan`'s inputs: the definitions the runtime would load from the cluster (the four
 * controller kinds in the CTL-2 namespaces, unreadable ones skipped as the runtime skips them),
 * and the changed files placed in the namespace `koreo apply` would put them in. Also which
 * validation problems only say "not in the given paths" about something the cluster has.
 */
import type { ClusterReader } from "../cluster/index.ts";
import { namespaceScopes } from "../config/index.ts";
import { CONTROLLER_KINDS, definitionFromObject, KOREO_API_VERSION, type Definition, type KoreoKind, type Problem } from "../definitions/index.ts";
import { planApply } from "./apply-plan.ts";
import { PLURALS } from "./prune-plan.ts";

export interface ClusterDefinitions {
  readonly definitions: readonly Definition[];
  /** Objects the runtime would skip too (not a valid definition), as messages. */
  readonly skipped: readonly string[];
}

export async function readClusterDefinitions(cluster: ClusterReader, namespaces: readonly string[]): Promise<ClusterDefinitions | string> {
  const definitions: Definition[] = [];
  const skipped: string[] = [];
  for (const kind of CONTROLLER_KINDS) {
    for (const scope of namespaceScopes(namespaces)) {
      const listed = await cluster.list(KOREO_API_VERSION, kind, { namespace: scope, plural: PLURALS[kind] });
      // The kind's CRD is not installed: there are none of them.
      if (!listed.ok && listed.error.reason === "NotFound") continue;
      if (!listed.ok) return `cannot list ${PLURALS[kind]} in ${scope === "" ? "all namespaces" : scope}: ${listed.error.message}`;
      for (const item of listed.value.items) {
        const definition = definitionFromObject({ apiVersion: KOREO_API_VERSION, kind, ...item });
        if ("spec" in definition) definitions.push(definition);
        else skipped.push(`${kind} ${definition.name ?? "(unnamed)"}: ${definition.message}`);
      }
    }
  }
  return { definitions, skipped };
}

export interface PlacedChanges {
  readonly definitions: readonly Definition[];
  readonly problems: readonly Problem[];
}

/** CLI-10's placement: the document's namespace, else `--namespace`, else the default; a conflict is a problem. */
export function placeChanges(files: readonly Definition[], namespace: string | undefined, defaultNamespace: string): PlacedChanges {
  const plan = planApply(files, [], { namespace, defaultNamespace, includeCrds: false, createNamespaces: false });
  const definitions = plan.items.flatMap((item) => {
    const definition = definitionFromObject(item.object);
    return "spec" in definition ? [definition] : [];
  });
  return { definitions, problems: plan.problems };
}

const NOT_DEFINED = /^(ValueFunction|ResourceFunction|ResourceTemplate|Workflow|FunctionTest) '([^']+)' is not defined in the given paths/;

/**
 * `koreo validate` judges the files alone; a plan lays them over the cluster, so a reference
 * to a definition the cluster holds is not a problem here.
 */
export function resolvedByCluster(problem: Problem, has: (kind: KoreoKind, name: string) => boolean): boolean {
  const match = NOT_DEFINED.exec(problem.message);
  if (match === null) return false;
  return has(match[1] as KoreoKind, match[2] as string);
}
