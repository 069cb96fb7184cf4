/** CTL-19 configuration: which MANAGED_RESOURCE_* settings select a managed cluster, and how it is reached. */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { configFromEnv, managedClusterFromEnv } from "../../src/config/config.ts";
import { managedClusterOf } from "../../src/lambda/cold-start.ts";

test("CTL-19 no MANAGED_RESOURCE_* selector: no managed cluster (MANAGED_RESOURCE_TOKEN alone selects nothing)", () => {
  assert.equal(managedClusterFromEnv({}), undefined);
  assert.equal(managedClusterFromEnv({ MANAGED_RESOURCE_TOKEN: "t", MANAGED_RESOURCE_API_SERVER_URL: "" }), undefined);
  assert.equal(configFromEnv({}).managedCluster, undefined);
});

test("CTL-19 API server URL with optional token and CA; a service account without a URL uses the in-cluster address", () => {
  assert.deepEqual(
    managedClusterFromEnv({ MANAGED_RESOURCE_API_SERVER_URL: "https://remote:6443", MANAGED_RESOURCE_TOKEN: "tok", MANAGED_RESOURCE_CA_DATA: "Q0E=" }),
    {
      kind: "server",
      server: "https://remote:6443",
      token: "tok",
      caData: "Q0E=",
    },
  );
  assert.deepEqual(
    managedClusterFromEnv({ MANAGED_RESOURCE_SERVICEACCOUNT: "/var/run/sa", KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" }),
    {
      kind: "server",
      server: "https://10.0.0.1:443",
      serviceAccount: "/var/run/sa",
    },
  );
  assert.throws(() => managedClusterFromEnv({ MANAGED_RESOURCE_SERVICEACCOUNT: "/var/run/sa" }), /KUBERNETES_SERVICE_HOST/);
});

test("CTL-19 kubeconfig and/or context", () => {
  assert.deepEqual(managedClusterFromEnv({ MANAGED_RESOURCE_KUBECONFIG: "/k", MANAGED_RESOURCE_CONTEXT: "remote" }), {
    kind: "kubeconfig",
    kubeconfigPath: "/k",
    context: "remote",
  });
  assert.deepEqual(configFromEnv({ MANAGED_RESOURCE_CONTEXT: "remote" }).managedCluster, { kind: "kubeconfig", context: "remote" });
});

test("CTL-19 a service-account directory supplies token and ca.crt; a file is the token; a missing one fails at startup", () => {
  const dir = mkdtempSync(join(tmpdir(), "koreo-sa-"));
  writeFileSync(join(dir, "token"), "secret\n");
  writeFileSync(join(dir, "ca.crt"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
  assert.ok(managedClusterOf({ kind: "server", server: "https://remote:6443", serviceAccount: dir }));
  assert.ok(managedClusterOf({ kind: "server", server: "https://remote:6443", serviceAccount: join(dir, "token") }));
  assert.throws(() => managedClusterOf({ kind: "server", server: "https://remote:6443", serviceAccount: join(dir, "missing") }));
});
