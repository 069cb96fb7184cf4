import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createEksTokenProvider, type AwsCredentials } from "../../src/cluster/adapters/eks-token.ts";
import { fixedClock } from "../../src/ports/clock.ts";
import { expectedQuerySignature } from "../support/sigv4.ts";

const credentials: AwsCredentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const T0 = Date.UTC(2026, 10, 5, 12, 0, 0);

function decode(token: string): URL {
  assert.ok(token.startsWith("k8s-aws-v1."));
  const encoded = token.slice("k8s-aws-v1.".length);
  assert.doesNotMatch(encoded, /[+/=]/, "base64url without padding");
  return new URL(Buffer.from(encoded, "base64url").toString("utf8"));
}

describe("EKS bearer token", () => {
  it("is a presigned STS GetCallerIdentity URL bound to the cluster name", async () => {
    let calls = 0;
    const provider = createEksTokenProvider({
      clusterName: "prod",
      region: "eu-west-1",
      clock: fixedClock(T0),
      credentials: async () => (calls++, credentials),
    });
    const url = decode(await provider());
    const q = url.searchParams;
    assert.equal(url.origin, "https://sts.eu-west-1.amazonaws.com");
    assert.equal(q.get("Action"), "GetCallerIdentity");
    assert.equal(q.get("Version"), "2011-06-15");
    assert.equal(q.get("X-Amz-Algorithm"), "AWS4-HMAC-SHA256");
    assert.equal(q.get("X-Amz-Credential"), "AKIDEXAMPLE/20261105/eu-west-1/sts/aws4_request");
    assert.equal(q.get("X-Amz-Date"), "20261105T120000Z");
    assert.equal(q.get("X-Amz-Expires"), "60");
    assert.deepEqual(q.get("X-Amz-SignedHeaders")?.split(";"), ["host", "x-k8s-aws-id"]);
    assert.equal(q.get("X-Amz-Signature"), expectedQuerySignature(url, { "x-k8s-aws-id": "prod" }, credentials.secretAccessKey, "eu-west-1", "sts"));
    assert.equal(calls, 1);
  });

  it("is deterministic for fixed credentials and time, and differs per cluster", async () => {
    const make = (clusterName: string) =>
      createEksTokenProvider({ clusterName, region: "us-east-1", clock: fixedClock(T0), credentials: async () => credentials })();
    assert.equal(await make("a"), await make("a"));
    assert.notEqual(await make("a"), await make("b"));
  });

  it("carries the session token of temporary credentials", async () => {
    const provider = createEksTokenProvider({
      clusterName: "c",
      region: "us-east-1",
      clock: fixedClock(T0),
      credentials: async () => ({ ...credentials, sessionToken: "SESSION" }),
    });
    assert.equal(decode(await provider()).searchParams.get("X-Amz-Security-Token"), "SESSION");
  });

  it("is reused for 10 minutes, then signed afresh", async () => {
    const clock = fixedClock(T0);
    let calls = 0;
    const provider = createEksTokenProvider({ clusterName: "c", region: "us-east-1", clock, credentials: async () => (calls++, credentials) });
    const first = await provider();
    clock.advance(9 * 60_000);
    assert.equal(await provider(), first);
    clock.advance(60_000);
    const second = await provider();
    assert.notEqual(second, first);
    assert.equal(decode(second).searchParams.get("X-Amz-Date"), "20261105T121000Z");
    assert.equal(calls, 2);
  });

  it("is refreshed before temporary credentials expire", async () => {
    const clock = fixedClock(T0);
    const expiring = { ...credentials, sessionToken: "S", expiration: new Date(T0 + 3 * 60_000) };
    let calls = 0;
    const provider = createEksTokenProvider({ clusterName: "c", region: "us-east-1", clock, credentials: async () => (calls++, expiring) });
    await provider();
    clock.advance(2 * 60_000);
    await provider();
    assert.equal(calls, 2);
  });

  it("concurrent callers share one signing", async () => {
    let calls = 0;
    const provider = createEksTokenProvider({ clusterName: "c", region: "us-east-1", clock: fixedClock(T0), credentials: async () => (calls++, credentials) });
    const tokens = await Promise.all([provider(), provider(), provider()]);
    assert.equal(new Set(tokens).size, 1);
    assert.equal(calls, 1);
  });
});
