/**
 * The ClusterApi contract against the client-node adapter over the network:
 * always against the embedded API server, over plain HTTP and over HTTPS (the
 * client trusting only the server's own CA), and also against a real cluster
 * when KOREO_CONTRACT_KUBECONFIG names a kubeconfig file (optionally
 * KOREO_CONTRACT_CONTEXT for its context). The suite creates the namespace
 * `koreo-contract` and CRDs in the group `contract.koreo.dev` there and
 * leaves them behind; objects get unique names so reruns don't collide.
 */
import { startApiServer } from "../../src/apiserver/index.ts";
import { createClientNodeCluster } from "../../src/cluster/adapters/client-node.ts";
import { explicitKubeAccess, kubeAccessFromFiles } from "../../src/cluster/adapters/kube-access.ts";
import { loadKubeConfig } from "../../src/cluster/adapters/kubeconfig.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runClusterContract } from "../support/cluster-contract.ts";

runClusterContract("client-node over the embedded API server", async () => {
  const server = await startApiServer({ port: 0 });
  const cluster = createClientNodeCluster(loadKubeConfig({ server: server.url }), { timeoutMs: 5_000 });
  return { cluster, close: () => server.close() };
});

runClusterContract("client-node over the embedded API server (HTTPS)", async () => {
  const server = await startApiServer({ port: 0, tls: true });
  const cluster = createClientNodeCluster(loadKubeConfig({ server: server.url, caData: server.caData }), { timeoutMs: 5_000 });
  return { cluster, close: () => server.close() };
});

// The same adapter with the light kubeconfig of kube-access.ts (what keeps client-node out of the Lambda bundle).
runClusterContract("client-node adapter with kube-access, explicit server (HTTPS)", async () => {
  const server = await startApiServer({ port: 0, tls: true });
  const cluster = createClientNodeCluster(explicitKubeAccess(server.url, undefined, server.caData), { timeoutMs: 5_000 });
  return { cluster, close: () => server.close() };
});

runClusterContract("client-node adapter with kube-access, kubeconfig file (HTTPS)", async () => {
  const server = await startApiServer({ port: 0, tls: true });
  const dir = mkdtempSync(join(tmpdir(), "koreo-kubeconfig-"));
  server.writeKubeconfig(join(dir, "config"));
  const cluster = createClientNodeCluster(kubeAccessFromFiles([join(dir, "config")]), { timeoutMs: 5_000 });
  return { cluster, close: async () => (rmSync(dir, { recursive: true, force: true }), await server.close()) };
});

const externalKubeconfig = process.env.KOREO_CONTRACT_KUBECONFIG;
if (externalKubeconfig) {
  runClusterContract(`client-node against ${externalKubeconfig}`, async () => {
    const kubeConfig = loadKubeConfig({ kubeconfigPath: externalKubeconfig, context: process.env.KOREO_CONTRACT_CONTEXT });
    return { cluster: createClientNodeCluster(kubeConfig), close: async () => {} };
  });
}
