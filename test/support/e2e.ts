/** Helpers for the end-to-end tests: bounded waits and run instrumentation. */
import type { RunReconcile } from "../../src/reconciler/engine-port.ts";

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined && last !== false) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Counts runs per trigger uid and the most that ever ran at once for one uid (CTL-11 overlap detector). */
export function createRunProbe() {
  const active = new Map<string, number>();
  const runs = new Map<string, number>();
  const probe = {
    maxOverlap: 0,
    runs: (uid: string) => runs.get(uid) ?? 0,
    /** When set, the next run of that uid blocks until `release`, then never returns: its process died (no code after it runs). */
    hold: undefined as undefined | { uid: string; started: boolean; release: () => void; released: Promise<void> },
    wrap(run: RunReconcile): RunReconcile {
      return async (trigger, current, alongside, logger) => {
        const now = (active.get(trigger.uid) ?? 0) + 1;
        active.set(trigger.uid, now);
        probe.maxOverlap = Math.max(probe.maxOverlap, now);
        runs.set(trigger.uid, (runs.get(trigger.uid) ?? 0) + 1);
        const hold = probe.hold;
        if (hold !== undefined && hold.uid === trigger.uid && !hold.started) {
          hold.started = true;
          await hold.released;
          active.set(trigger.uid, (active.get(trigger.uid) ?? 1) - 1);
          return new Promise<never>(() => {});
        }
        try {
          return await run(trigger, current, alongside, logger);
        } finally {
          active.set(trigger.uid, (active.get(trigger.uid) ?? 1) - 1);
        }
      };
    },
    holdNext(uid: string) {
      let release = () => {};
      const released = new Promise<void>((r) => (release = r));
      probe.hold = { uid, started: false, release, released };
    },
  };
  return probe;
}
