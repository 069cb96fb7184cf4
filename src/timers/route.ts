/**
 * SRV-5 timer hops, pure: a delayed request is forwarded to the work queue when
 * due, otherwise held again for at most SQS's 900 s (the 1200 s resync is one
 * hop of 900 s and one of 300 s).
 */
import { MAX_DELAY_SECONDS } from "../queue/index.ts";

export type TimerRoute = { readonly kind: "forward" } | { readonly kind: "hold"; readonly delaySeconds: number };

export function routeTimer(dueAt: number, now: number): TimerRoute {
  const remaining = delayUntil(dueAt, now);
  return remaining === 0 ? { kind: "forward" } : { kind: "hold", delaySeconds: remaining };
}

/** Whole seconds until `dueAt`, rounded up (never early), capped at 900. */
export function delayUntil(dueAt: number, now: number): number {
  const seconds = Math.ceil((dueAt - now) / 1000);
  return Math.min(Math.max(seconds, 0), MAX_DELAY_SECONDS);
}
