/**
 * Flags and connection shared by the cluster commands (`apply`, `reconcile`, `inspect`):
 * `--kubeconfig FILE`, `--context NAME`, `-n/--namespace NS` (CLI-16). The kubeconfig
 * comes from the standard locations (`KUBECONFIG`, `~/.kube/config`, in-cluster) unless
 * `--kubeconfig` names one.
 */
import type { ClusterApi, ClusterDiscovery } from "../cluster/index.ts";
import { loadKubeConfig, type KubeConfigSlice } from "../cluster/adapters/index.ts";
import { createClientNodeCluster } from "../cluster/adapters/index.ts";

/** `parseArgs` option declarations; spread into each command's own options. */
export const CLUSTER_OPTIONS = {
  kubeconfig: { type: "string" },
  context: { type: "string" },
  namespace: { type: "string", short: "n" },
} as const;

export const CLUSTER_HELP = `      --kubeconfig FILE   kubeconfig to use (default: KUBECONFIG, then ~/.kube/config)
      --context NAME      kubeconfig context to use (default: its current-context)`;

/** The namespace used when neither the document nor `--namespace` gives one (CLI-2, CLI-10). */
export const DEFAULT_NAMESPACE = "default";

export interface ClusterFlags {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

export interface Connection {
  /** The cluster, with API discovery for resolving KIND arguments (CLI-13, CLI-14). */
  readonly cluster: ClusterApi & ClusterDiscovery;
}

/** Connects lazily: nothing is contacted until the first call. A bad kubeconfig is a message, not a throw. */
export function connect(flags: ClusterFlags): Connection | string {
  let kubeConfig: KubeConfigSlice;
  try {
    kubeConfig = loadKubeConfig({ kubeconfigPath: flags.kubeconfig, context: flags.context });
  } catch (error) {
    return `cannot load kubeconfig: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (kubeConfig.getCurrentCluster() === null) return "the kubeconfig has no current cluster (use --kubeconfig or --context)";
  return { cluster: createClientNodeCluster(kubeConfig) };
}

/** Node's parseArgs throws on unknown or malformed flags; the commands turn that into exit 2. */
export function parseError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `KIND NAME` positionals of the commands that act on one object; a usage error as text. */
export function kindAndName(positionals: readonly string[]): { kind: string; name: string } | string {
  const [kind, name, ...extra] = positionals;
  if (kind === undefined || name === undefined) return "KIND and NAME are required";
  if (extra.length > 0) return `unexpected argument '${extra[0]}'`;
  return { kind, name };
}
