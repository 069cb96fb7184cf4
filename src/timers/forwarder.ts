/**
 * Timer-queue consumer: forwards due requests into their trigger's FIFO group,
 * re-holds the others (SRV-5). Stale or duplicate timers are harmless: the gate
 * accepts only the chain the trigger's record names.
 */
import type { Clock } from "../ports/index.ts";
import type { ReconcileRequest } from "../queue/index.ts";
import { coalescingWorkQueue, type TimerQueue, type WorkQueue } from "../queue/index.ts";
import type { Metrics } from "../ports/index.ts";
import { routeTimer } from "./route.ts";

export interface TimerForwarderDeps {
  readonly work: WorkQueue;
  readonly timers: TimerQueue;
  readonly clock: Clock;
  readonly metrics: Metrics;
}

export type TimerForwarder = (request: ReconcileRequest) => Promise<"forwarded" | "held">;

/** Forwards of one batch's records leave in one send (the records run concurrently: sqs-batch.ts). */
export function createTimerForwarder(deps: TimerForwarderDeps): TimerForwarder {
  const work = coalescingWorkQueue(deps.work);
  return async (request) => {
    const route = routeTimer(request.dueAt ?? 0, deps.clock.now());
    if (route.kind === "hold") {
      await deps.timers.schedule(request, route.delaySeconds);
      deps.metrics.count("TimerHops");
      return "held";
    }
    await work.enqueue([request]);
    deps.metrics.count("TimerForwards");
    return "forwarded";
  };
}
