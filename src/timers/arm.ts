/** Puts a due-at request on the timer queue with the first hop's delay (SRV-5). */
import type { ReconcileRequest } from "../queue/index.ts";
import type { TimerQueue } from "../queue/index.ts";
import { delayUntil } from "./route.ts";

export async function armTimer(timers: TimerQueue, request: ReconcileRequest & { dueAt: number }, now: number): Promise<void> {
  await timers.schedule(request, delayUntil(request.dueAt, now));
}
