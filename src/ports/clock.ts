/** Time as the engine sees it; tests pass a fixed or manual clock. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function fixedClock(ms: number): Clock & { advance(byMs: number): void } {
  let t = ms;
  return { now: () => t, advance: (byMs) => void (t += byMs) };
}
