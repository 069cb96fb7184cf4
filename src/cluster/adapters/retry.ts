import type { ClusterResult } from "../cluster-api.ts";
import { isTransient } from "../errors.ts";

export interface RetryPolicy {
  /** Total tries, the first included (RF-40: 3). */
  readonly attempts: number;
  /** Delay before the second try; doubles after each, with jitter. */
  readonly baseDelayMs: number;
}

export const DEFAULT_READ_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Retries an idempotent read while it fails with Unavailable or TooManyRequests.
 * Writes are never retried here: the engine decides (RF-21, RF-28).
 */
export async function retryTransient<T>(policy: RetryPolicy, run: () => Promise<ClusterResult<T>>): Promise<ClusterResult<T>> {
  for (let attempt = 1; ; attempt++) {
    const result = await run();
    if (result.ok || !isTransient(result.error.reason) || attempt >= policy.attempts) return result;
    // Jitter spreads retries of many Lambda instances hitting the same API server.
    await sleep(policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
  }
}
