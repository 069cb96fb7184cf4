import { KubeConfig } from "@kubernetes/client-node";

export interface KubeConfigSource {
  /** A kubeconfig file; otherwise KUBECONFIG, ~/.kube/config, or in-cluster service account (client-node's defaults). */
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

/** A kubeconfig for one server given explicitly; plain http (embedded server, tests) needs skipTLSVerify in client-node. */
function explicitConfig(server: string, token: string | undefined, caData: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  const insecure = server.startsWith("http:");
  kubeConfig.loadFromOptions({
    clusters: [{ name: "cluster", server, caData, skipTLSVerify: insecure }],
    users: [token === undefined ? { name: "user" } : { name: "user", token }],
    contexts: [{ name: "context", cluster: "cluster", user: "user" }],
    currentContext: "context",
  });
  return kubeConfig;
}

/** Loads client-node's KubeConfig from explicit settings or the standard locations. Throws on unreadable files (startup error). */
export function loadKubeConfig(source: KubeConfigSource = {}): KubeConfig {
  if (source.server) return explicitConfig(source.server, source.token, source.caData);
  const kubeConfig = new KubeConfig();
  if (source.kubeconfigPath) kubeConfig.loadFromFile(source.kubeconfigPath);
  else kubeConfig.loadFromDefault();
  if (source.context) kubeConfig.setCurrentContext(source.context);
  return kubeConfig;
}
