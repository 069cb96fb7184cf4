/**
 * eks:DescribeCluster and the Lambda role's credentials without the AWS SDK
 * clients. @aws-sdk/client-eks and @aws-sdk/credential-provider-node add
 * ~195 KiB to the reconcile bundle (and their cold import) for one signed GET
 * and three environment variables: Lambda hands the execution role's
 * credentials to the function as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN. The request is signed with aws4, which the SQS client and
 * the EKS token (eks-token.ts) use too.
 */
import aws4 from "aws4";
import type { AwsCredentials } from "./eks-token.ts";

export interface EksClusterEndpoint {
  readonly server: string;
  /** Base64 PEM of the cluster CA (`certificateAuthority.data`). */
  readonly caData: string;
}

export interface DescribeOptions {
  readonly credentials?: () => Promise<AwsCredentials>;
  /** The EKS API base URL; default `https://eks.<region>.amazonaws.com` (tests point it at a stub). */
  readonly endpoint?: string;
  readonly timeoutMs?: number;
}

/** The credentials Lambda puts in the environment (the execution role's); a clear error elsewhere. */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env): () => Promise<AwsCredentials> {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new Error("no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)");
    return env.AWS_SESSION_TOKEN ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN } : { accessKeyId, secretAccessKey };
  };
}

function endpointOf(clusterName: string, body: unknown): EksClusterEndpoint {
  const cluster = typeof body === "object" && body !== null && "cluster" in body ? (body.cluster as Record<string, unknown> | null) : null;
  const server = typeof cluster?.endpoint === "string" ? cluster.endpoint : "";
  const ca = cluster?.certificateAuthority;
  const caData = typeof ca === "object" && ca !== null && "data" in ca && typeof ca.data === "string" ? ca.data : "";
  const status = typeof cluster?.status === "string" ? cluster.status : "unknown";
  if (!server || !caData) throw new Error(`eks:DescribeCluster ${clusterName}: no endpoint or CA yet (status ${status})`);
  return { server, caData };
}

/** eks:DescribeCluster (REST: GET /clusters/<name>, SigV4 for service `eks`): the API endpoint and CA. Throws on failure. */
export async function describeEksCluster(clusterName: string, region: string, options: DescribeOptions = {}): Promise<EksClusterEndpoint> {
  const url = new URL(`/clusters/${encodeURIComponent(clusterName)}`, options.endpoint ?? `https://eks.${region}.amazonaws.com`);
  const credentials = await (options.credentials ?? environmentCredentials())();
  const signed = aws4.sign({ host: url.host, path: url.pathname, method: "GET", headers: { accept: "application/json" }, service: "eks", region }, credentials);
  const headers = Object.fromEntries(Object.entries(signed.headers ?? {}).map(([name, value]) => [name, String(value)]));
  const answer = await fetch(url, { method: "GET", headers, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  const text = await answer.text();
  if (answer.status !== 200) throw new Error(`eks:DescribeCluster ${clusterName}: HTTP ${answer.status} ${text.slice(0, 300)}`);
  return endpointOf(clusterName, JSON.parse(text));
}
