/**
 * A kubeconfig for the embedded server. Over HTTPS it trusts the server's own CA
 * (`certificate-authority-data`), so kubectl and client-node verify the server
 * with no insecure flag, and carries a bearer token the server never checks (it
 * does not authenticate): without some credential, kubectl prompts for a username
 * on every command to an https server. Over plain HTTP it says `insecure-skip-tls-verify: true`,
 * which is what lets client-node talk to an `http:` server at all (1.2 and later;
 * 1.0–1.1 refuse regardless); kubectl ignores it for http servers.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stringify } from "yaml";

const UNCHECKED_TOKEN = "koreo-embedded-apiserver";

/** `caData`: base64 of the CA certificate PEM, for an https `url`. */
export function kubeconfigYaml(url: string, namespace = "default", caData?: string): string {
  const cluster = caData === undefined ? { server: url, "insecure-skip-tls-verify": true } : { server: url, "certificate-authority-data": caData };
  const user = caData === undefined ? {} : { token: UNCHECKED_TOKEN };
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "koreo", cluster }],
    users: [{ name: "koreo", user }],
    contexts: [{ name: "koreo", context: { cluster: "koreo", user: "koreo", namespace } }],
    "current-context": "koreo",
    preferences: {},
  });
}

export function writeKubeconfigFile(path: string, url: string, namespace?: string, caData?: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigYaml(url, namespace, caData), { mode: 0o600 });
}
