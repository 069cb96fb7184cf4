/**
 * ClusterApi adapters: client-node (any real cluster), in-memory, dry-run; EKS tokens and kubeconfig loading.
 * May import: the cluster port, ports, value.
 */
export { createClientNodeCluster } from "./client-node.ts";
export { withDryRun } from "./dry-run.ts";
export { createEksTokenProvider, type EksTokenOptions } from "./eks-token.ts";
export { createInMemoryCluster } from "./in-memory.ts";
export { loadKubeConfig } from "./kubeconfig.ts";
export type { KubeConfigSlice } from "./client-node-transport.ts";
export { defaultKubeAccess, explicitKubeAccess, kubeAccessFromFiles } from "./kube-access.ts";
export { describeEksCluster, environmentCredentials, type EksClusterEndpoint } from "./eks-describe.ts";
