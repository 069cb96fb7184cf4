/**
 * Where the webhook's shared secret comes from. Deployed: an SSM Parameter Store SecureString,
 * read with the webhook's own role (the template only carries its name) and cached per
 * container, so a request costs no SSM call and a rotation is picked up within the cache age.
 * Local runs (`npm start`, tests): a value from the environment.
 */
import type { SSMClientConfig } from "@aws-sdk/client-ssm";
import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";

/** Resolves to the current secret; rejects when it cannot be read (the webhook then answers 503). */
export type SecretSource = () => Promise<string>;

/** Five minutes: the longest a rotated secret keeps being accepted (and the new one refused). */
export const SECRET_MAX_AGE_SECONDS = 300;

export function constantSecret(value: string): SecretSource {
  return async () => value;
}

export interface SsmSecretOptions {
  readonly maxAgeSeconds?: number;
  /** SSM client settings (region; an endpoint and credentials in tests). */
  readonly clientConfig?: SSMClientConfig;
}

export function ssmSecret(name: string, options: SsmSecretOptions = {}): SecretSource {
  const provider = new SSMProvider(options.clientConfig === undefined ? {} : { clientConfig: options.clientConfig });
  const maxAge = options.maxAgeSeconds ?? SECRET_MAX_AGE_SECONDS;
  return async () => {
    const value = await provider.get(name, { decrypt: true, maxAge });
    // An empty secret would authenticate nobody (auth.ts); say why instead of answering 401s.
    if (typeof value !== "string" || value === "") throw new Error(`SSM parameter ${name} is missing or empty`);
    return value;
  };
}
