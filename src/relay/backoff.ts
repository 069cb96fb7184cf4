/**
 * Capped exponential backoff with jitter, shared by the watches and the sender:
 * `min(2^(n-1)·base, cap) + U[0, jitter)` for the n-th consecutive failure. The
 * cap is what bounds how long after a dependency comes back the relay notices.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
  readonly jitterMs: number;
}

export function backoffDelayMs(policy: BackoffPolicy, failures: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  // 2^exponent overflows to Infinity long after min() has picked the cap; the cap always wins.
  return Math.min(2 ** exponent * policy.baseMs, policy.capMs) + random() * policy.jitterMs;
}
