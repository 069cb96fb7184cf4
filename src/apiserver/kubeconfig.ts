/**
 * A kubeconfig for the embedded server. `insecure-skip-tls-verify: true` is what
 * lets client-node talk plain http (it refuses otherwise); kubectl ignores it for
 * http servers, so one file serves both.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stringify } from "yaml";

export function kubeconfigYaml(url: string, namespace = "default"): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "koreo", cluster: { server: url, "insecure-skip-tls-verify": true } }],
    users: [{ name: "koreo", user: {} }],
    contexts: [{ name: "koreo", context: { cluster: "koreo", user: "koreo", namespace } }],
    "current-context": "koreo",
    preferences: {},
  });
}

export function writeKubeconfigFile(path: string, url: string, namespace?: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigYaml(url, namespace), { mode: 0o600 });
}
