/**
 * EKS bearer tokens (what `aws eks get-token` prints), signed with aws4: a
 * presigned STS GetCallerIdentity URL. No AWS SDK: on Lambda the execution
 * role's credentials are in the environment.
 */
import aws4 from "aws4";
import { systemClock, type Clock } from "../../ports/index.ts";
import { environmentCredentials } from "./eks-describe.ts";

/** AWS credentials; `expiration` on temporary ones that say when they end. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface EksTokenOptions {
  readonly clusterName: string;
  /** Region of the STS endpoint (the cluster's region). */
  readonly region: string;
  /** Default: the environment's (the Lambda's execution role). */
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
export function presignEksUrl(credentials: AwsCredentials, region: string, clusterName: string, signingDate: Date): string {
  const host = `sts.${region}.amazonaws.com`;
  const signer = new aws4.RequestSigner(
    {
      host,
      path: "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60",
      method: "GET",
      headers: { "x-k8s-aws-id": clusterName },
      signQuery: true,
      service: "sts",
      region,
    },
    credentials,
  );
  signer.datetime = amzDate(signingDate);
  return `https://${host}${signer.sign().path ?? ""}`;
}

/** SigV4's timestamp: 20261105T120000Z. */
function amzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, "");
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
  const credentials = options.credentials ?? environmentCredentials();
  let cached: { token: string; refreshAt: number } | undefined;
  let signing: Promise<string> | undefined;

  async function sign(): Promise<string> {
    const now = clock.now();
    const creds = await credentials();
    const token = tokenFromUrl(presignEksUrl(creds, options.region, options.clusterName, new Date(now)));
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
