import { NodeSha256 } from "./sha256.ts";
import { SignatureV4 } from "@smithy/signature-v4";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { systemClock, type Clock } from "../../ports/index.ts";

/** AWS credentials as the default provider chain yields them. */
export type AwsCredentials = Awaited<ReturnType<ReturnType<typeof defaultProvider>>>;

export interface EksTokenOptions {
  readonly clusterName: string;
  /** Region of the STS endpoint (the cluster's region). */
  readonly region: string;
  /** Default: the AWS SDK's default provider chain (the Lambda's execution role). */
  readonly credentials?: () => Promise<AwsCredentials>;
  readonly clock?: Clock;
}

const TOKEN_PREFIX = "k8s-aws-v1.";
/** EKS accepts a token for 15 minutes after signing; reuse it for 10 so it never expires in flight. */
const REUSE_MS = 10 * 60_000;
/** Tokens signed with temporary credentials die with them; stop reusing a minute before. */
const CREDENTIAL_MARGIN_MS = 60_000;

/**
 * The presigned STS GetCallerIdentity URL that `aws eks get-token` builds:
 * the cluster name travels in the signed `x-k8s-aws-id` header, so a token
 * for one cluster is useless for another.
 */
export async function presignEksUrl(credentials: AwsCredentials, region: string, clusterName: string, signingDate: Date): Promise<string> {
  const hostname = `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({ service: "sts", region, credentials, sha256: NodeSha256, uriEscapePath: true });
  const signed = await signer.presign(
    {
      method: "GET",
      protocol: "https:",
      hostname,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host: hostname, "x-k8s-aws-id": clusterName },
    },
    { expiresIn: 60, signingDate },
  );
  const url = new URL(`https://${hostname}/`);
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) if (typeof item === "string") url.searchParams.append(key, item);
  }
  return url.toString();
}

/** `k8s-aws-v1.` + the URL, base64url without padding. */
export function tokenFromUrl(url: string): string {
  return TOKEN_PREFIX + Buffer.from(url, "utf8").toString("base64url");
}

/**
 * A bearer-token provider for EKS, for `createClientNodeCluster(..., { bearerToken })`.
 * Tokens are cached for ~10 minutes (less when the credentials expire
 * sooner); concurrent callers share one signing.
 */
export function createEksTokenProvider(options: EksTokenOptions): () => Promise<string> {
  const clock = options.clock ?? systemClock;
  const credentials = options.credentials ?? defaultProvider();
  let cached: { token: string; refreshAt: number } | undefined;
  let signing: Promise<string> | undefined;

  async function sign(): Promise<string> {
    const now = clock.now();
    const creds = await credentials();
    const token = tokenFromUrl(await presignEksUrl(creds, options.region, options.clusterName, new Date(now)));
    const credentialsEnd = creds.expiration ? creds.expiration.getTime() - CREDENTIAL_MARGIN_MS : Infinity;
    cached = { token, refreshAt: Math.min(now + REUSE_MS, credentialsEnd) };
    return token;
  }

  return () => {
    if (cached && clock.now() < cached.refreshAt) return Promise.resolve(cached.token);
    signing ??= sign().finally(() => (signing = undefined));
    return signing;
  };
}
