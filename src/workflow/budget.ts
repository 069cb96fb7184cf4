/**
 * WF-28 time limits. The timer is a port so tests (and `koreo render`) can choose the
 * budget. The deadline is cancelled as soon as the work settles; it is deliberately not
 * `unref`ed, because it may be the only thing keeping a run with a hung call going.
 */
export interface Timer {
  /** Resolves after `ms`; `cancel` stops the timer without resolving. */
  sleep(ms: number): { readonly promise: Promise<void>; cancel(): void };
}

export const realTimer: Timer = {
  sleep(ms) {
    let handle: NodeJS.Timeout | undefined;
    const promise = new Promise<void>((resolve) => {
      handle = setTimeout(resolve, ms);
    });
    return { promise, cancel: () => clearTimeout(handle) };
  },
};

export interface Budget {
  /** CTL-20: 10 000 ms per Workflow run, per sub-Workflow run and per forEach. */
  readonly ms: number;
  readonly timer: Timer;
}

/**
 * The cancellation scope of one budget: aborted at its deadline, and with the
 * enclosing budget's (a sub-Workflow or forEach inside a step that timed out).
 */
export interface BudgetScope {
  readonly signal: AbortSignal;
  abort(): void;
}

export function budgetScope(parent: AbortSignal | undefined): BudgetScope {
  const controller = new AbortController();
  const signal = parent === undefined ? controller.signal : AbortSignal.any([parent, controller.signal]);
  return { signal, abort: () => controller.abort() };
}

/**
 * Waits for every task or the deadline, whichever comes first; true when the deadline won.
 * With a scope, the deadline also aborts it (WF-28: steps still running are cancelled).
 */
export async function settleWithin(tasks: readonly Promise<unknown>[], budget: Budget, scope?: BudgetScope): Promise<boolean> {
  const deadline = budget.timer.sleep(budget.ms);
  const all = Promise.allSettled(tasks).then(() => false);
  try {
    const timedOut = await Promise.race([all, deadline.promise.then(() => true)]);
    if (timedOut) scope?.abort();
    return timedOut;
  } finally {
    deadline.cancel();
  }
}

/** WF-28: a step still running at the deadline. */
export const TIMEOUT_DELAY = 30;
/** WF-28: a step that threw. */
export const CRASH_DELAY = 60;

export function timeoutMessage(label: string): string {
  return `Timeout running step (${label}), will retry.`;
}

export function crashMessage(label: string, error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `Unknown error (${text}) running Step (${label}), will retry.`;
}
