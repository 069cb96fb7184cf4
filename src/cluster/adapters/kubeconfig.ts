import type { KubeConfigSlice } from "./client-node-transport.ts";
import { defaultKubeAccess, explicitKubeAccess, kubeAccessFromFiles } from "./kube-access.ts";

export interface KubeConfigSource {
  /** A kubeconfig file; otherwise KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  readonly kubeconfigPath?: string;
  /** Context to use instead of the file's current-context. */
  readonly context?: string;
  /** Explicit API server URL: with it, no file is read (Lambda → EKS). */
  readonly server?: string;
  /** Static bearer token for `server`. For EKS prefer the adapter's `bearerToken` provider (tokens expire). */
  readonly token?: string;
  /** Base64 PEM of the cluster CA for `server` (EKS `certificateAuthority.data`). */
  readonly caData?: string;
}

/**
 * The access to one cluster — server, credentials, CA — from explicit settings or the standard
 * locations (KUBECONFIG, ~/.kube/config, the in-cluster service account), read by kube-access.ts
 * without @kubernetes/client-node, which kept half of the reconcile bundle for this alone.
 * Throws on unreadable files (a startup error).
 */
export function loadKubeConfig(source: KubeConfigSource = {}): KubeConfigSlice {
  if (source.server) return explicitKubeAccess(source.server, source.token, source.caData);
  if (source.kubeconfigPath) return kubeAccessFromFiles([source.kubeconfigPath], source.context);
  return defaultKubeAccess(source.context);
}
