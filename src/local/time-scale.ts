/**
 * `koreo start --time-scale N`: the local stack's time runs N times faster, so
 * Retry delays, resyncs and backoffs pass in 1/N of the wall-clock time without
 * touching the programs or the engine. Two parts must agree: the clock the
 * handlers read (due times, the gate's "is it due", the timer hops) and the
 * delays the timer queue is given (SQS counts real seconds). Dividing only the
 * queue delays would not do: a timer arriving early is held again (SRV-5) and
 * the gate refuses it (CTL-10).
 *
 * Side effects of a scaled clock, all local: condition timestamps and the
 * recorded due times run ahead of the wall clock. Durations are converted back
 * for the console (live.ts).
 */
import type { Clock } from "../ports/index.ts";
import type { TimerQueue } from "../queue/index.ts";

/** Reads `origin + (now − origin) · scale`: the wall clock at `origin` (default: now), then N times faster. */
export function scaledClock(scale: number, wall: Clock = { now: () => Date.now() }, origin = wall.now()): Clock {
  return { now: () => origin + (wall.now() - origin) * scale };
}

/** Holds each request for 1/scale of its delay, rounded up to whole seconds (never early by the scaled clock). */
export function scaledTimers(timers: TimerQueue, scale: number): TimerQueue {
  return {
    schedule: (request, delaySeconds) => timers.schedule(request, Math.ceil(delaySeconds / scale)),
  };
}
