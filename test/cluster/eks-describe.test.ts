/**
 * eks:DescribeCluster without the SDK: the request a stub EKS endpoint receives
 * is checked against an independent SigV4 computation (test/support/sigv4.ts), and the
 * answer is read as the endpoint and CA.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeEksCluster, environmentCredentials } from "../../src/cluster/adapters/eks-describe.ts";
import { expectedHeaderSignature } from "../support/sigv4.ts";
import { startStub } from "../support/stub-server.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "session" };
const described = {
  cluster: { name: "prod", status: "ACTIVE", endpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com", certificateAuthority: { data: "Q0E=" } },
};

describe("eks:DescribeCluster without the AWS SDK", () => {
  it("sends a SigV4-signed GET /clusters/<name> and reads the endpoint and CA", async () => {
    const stub = await startStub(() => ({ status: 200, body: described }));
    try {
      const endpoint = await describeEksCluster("prod", "eu-west-1", { credentials: async () => credentials, endpoint: stub.url });
      assert.deepEqual(endpoint, { server: described.cluster.endpoint, caData: "Q0E=" });
      const [request] = stub.requests;
      assert.ok(request);
      assert.equal(request.method, "GET");
      assert.equal(request.url, "/clusters/prod");
      assert.equal(request.headers["x-amz-security-token"], "session");
      const auth = String(request.headers.authorization);
      assert.match(
        auth,
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/eks\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
      );
      assert.equal(/Signature=([0-9a-f]+)/.exec(auth)?.[1], expectedHeaderSignature(request, credentials.secretAccessKey, "eu-west-1", "eks"));
    } finally {
      await stub.close();
    }
  });

  it("a cluster without endpoint or CA yet, or an error answer, throws with the reason", async () => {
    const creating = { cluster: { name: "prod", status: "CREATING" } };
    const stub = await startStub((_r, i) => (i === 0 ? { status: 200, body: creating } : { status: 403, body: { message: "not authorized" } }));
    try {
      const options = { credentials: async () => credentials, endpoint: stub.url };
      await assert.rejects(describeEksCluster("prod", "eu-west-1", options), /no endpoint or CA yet \(status CREATING\)/);
      await assert.rejects(describeEksCluster("prod", "eu-west-1", options), /HTTP 403 .*not authorized/);
    } finally {
      await stub.close();
    }
  });

  it("takes Lambda's role credentials from the environment", async () => {
    const env = { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret", AWS_SESSION_TOKEN: "token" };
    assert.deepEqual(await environmentCredentials(env)(), { accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token" });
    await assert.rejects(environmentCredentials({})(), /no AWS credentials in the environment/);
  });
});
