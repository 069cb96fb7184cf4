/**
 * EKS_CLUSTER_NAME alone (no KUBE_SERVER/KUBE_CA_DATA): the handlers read the endpoint and CA with
 * eks:DescribeCluster once per container, on first use, then talk to that cluster over TLS with
 * the IAM-derived token. The embedded API server (HTTPS, its own CA) stands in for EKS.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startApiServer, type RunningApiServer } from "../../src/apiserver/index.ts";
import { clusterFromEnv } from "../../src/lambda/cold-start.ts";
import type { EksClusterEndpoint } from "../../src/cluster/adapters/index.ts";

let api: RunningApiServer;
const credentials = async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" });

before(async () => {
  api = await startApiServer({ tls: true });
});
after(async () => api?.close());

const namespace = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });

test("the endpoint and CA are described once, on first use, and reused", async () => {
  const described: string[] = [];
  const describeCluster = async (name: string, region: string): Promise<EksClusterEndpoint> => {
    described.push(`${name}@${region}`);
    return { server: api.url, caData: api.caData ?? "" };
  };
  const cluster = clusterFromEnv({ EKS_CLUSTER_NAME: "prod", AWS_REGION: "eu-west-1" }, { describeCluster, credentials });
  assert.deepEqual(described, [], "nothing is called before the first request");
  assert.ok((await cluster.create(namespace("described"))).ok);
  const got = await cluster.get({ apiVersion: "v1", kind: "Namespace", name: "described" });
  assert.ok(got.ok);
  assert.ok((await cluster.list("v1", "Namespace")).ok);
  assert.deepEqual(described, ["prod@eu-west-1"]);
});

test("a failed describe answers Unavailable and is retried on the next call", async () => {
  let calls = 0;
  const describeCluster = async (): Promise<EksClusterEndpoint> => {
    calls++;
    if (calls === 1) throw new Error("AccessDeniedException");
    return { server: api.url, caData: api.caData ?? "" };
  };
  const cluster = clusterFromEnv({ EKS_CLUSTER_NAME: "prod" }, { describeCluster, credentials });
  const first = await cluster.get({ apiVersion: "v1", kind: "Namespace", name: "default" });
  assert.equal(first.ok, false);
  assert.equal(first.ok ? undefined : first.error.reason, "Unavailable");
  assert.match(first.ok ? "" : first.error.message, /AccessDeniedException/);
  assert.ok((await cluster.list("v1", "Namespace")).ok);
  assert.equal(calls, 2);
});

test("no cluster settings at all is a startup error that says what to set", () => {
  assert.throws(() => clusterFromEnv({}), /EKS_CLUSTER_NAME/);
});
