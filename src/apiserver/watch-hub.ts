/**
 * Change events: a bounded history (so watches can resume from a
 * resourceVersion) and live subscribers per resource. Everything runs on the
 * event loop's single thread, so replaying history and subscribing in the same
 * tick cannot miss an event.
 */
export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

export interface ChangeEvent {
  readonly type: ChangeType;
  readonly rv: number;
  readonly resource: string;
  readonly object: import("./json.ts").JsonObject;
  /** The object before a MODIFIED or DELETED: selector watches turn MODIFIED into ADDED/DELETED with it, lists at an older version restore it. */
  readonly previous?: import("./json.ts").JsonObject;
}

export type Subscriber = (event: ChangeEvent) => void;

export class WatchHub {
  private readonly history: ChangeEvent[] = [];
  private head = 0;
  /** Highest rv whose event has been evicted (or predates the history, after a restart). */
  private compactedThrough: number;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private watchers = 0;
  /** Observes every change (persistence schedules snapshots from here). */
  onPublish: () => void = () => {};

  constructor(
    private readonly historyLimit: number,
    startRv = 0,
  ) {
    this.compactedThrough = startRv;
  }

  get activeWatches(): number {
    return this.watchers;
  }

  /** The oldest resourceVersion a watch may still resume from. */
  get oldestResumable(): number {
    return this.compactedThrough;
  }

  publish(event: ChangeEvent): void {
    this.history.push(event);
    if (this.history.length - this.head > this.historyLimit) {
      this.compactedThrough = this.history[this.head]?.rv ?? this.compactedThrough;
      this.head++;
      // Shift the array now and then instead of on every event.
      if (this.head > 1024 && this.head * 2 > this.history.length) {
        this.history.splice(0, this.head);
        this.head = 0;
      }
    }
    this.onPublish();
    const subs = this.subscribers.get(event.resource);
    if (subs === undefined) return;
    for (const s of subs) s(event);
  }

  /** Events of `resource` after `rv`, or undefined when some were already evicted. */
  since(resource: string, rv: number): ChangeEvent[] | undefined {
    if (rv < this.compactedThrough) return undefined;
    const out: ChangeEvent[] = [];
    for (let i = this.history.length - 1; i >= this.head; i--) {
      const e = this.history[i];
      if (e === undefined || e.rv <= rv) break;
      if (e.resource === resource) out.push(e);
    }
    return out.reverse();
  }

  subscribe(resource: string, subscriber: Subscriber): () => void {
    const subs = this.subscribers.get(resource) ?? new Set<Subscriber>();
    subs.add(subscriber);
    this.subscribers.set(resource, subs);
    this.watchers++;
    return () => {
      if (!subs.delete(subscriber)) return;
      this.watchers--;
      if (subs.size === 0) this.subscribers.delete(resource);
    };
  }
}
