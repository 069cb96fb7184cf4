import { cloneValue } from "../../value/index.ts";
import type { KubeObject, WatchEvent, WatchEventType } from "../cluster-api.ts";

/** One change to the in-memory store, as a watch would report it. */
export interface StoredEvent {
  readonly resourceVersion: number;
  readonly type: Exclude<WatchEventType, "BOOKMARK">;
  readonly apiVersion: string;
  readonly kind: string;
  /** "" for cluster-scoped objects. */
  readonly namespace: string;
  readonly object: KubeObject;
}

export interface EventFilter {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
}

export interface Subscription {
  /** Stops delivery, including events already queued. */
  cancel(): void;
}

function matches(filter: EventFilter, event: StoredEvent): boolean {
  if (event.apiVersion !== filter.apiVersion || event.kind !== filter.kind) return false;
  return filter.namespace === undefined || filter.namespace === "" || filter.namespace === event.namespace;
}

/**
 * The store's change history, bounded like etcd's compaction window: a watch
 * from a resourceVersion older than the window gets Gone (410), as on a real
 * cluster. Delivery is asynchronous (a microtask per event, in order) so a
 * handler that writes back never re-enters the write that triggered it.
 */
export function createEventLog(capacity: number) {
  const events: StoredEvent[] = [];
  const subscribers = new Set<{ filter: EventFilter; deliver: (e: WatchEvent) => void }>();
  let compactedThrough = 0;

  function append(event: StoredEvent): void {
    events.push(event);
    if (events.length > capacity) compactedThrough = events.shift()?.resourceVersion ?? compactedThrough;
    for (const subscriber of subscribers) {
      if (matches(subscriber.filter, event)) subscriber.deliver({ type: event.type, object: event.object });
    }
  }

  /** Events after `resourceVersion`, or undefined when they were compacted away. */
  function since(resourceVersion: number, filter: EventFilter): StoredEvent[] | undefined {
    if (resourceVersion < compactedThrough) return undefined;
    return events.filter((e) => e.resourceVersion > resourceVersion && matches(filter, e));
  }

  function subscribe(filter: EventFilter, onEvent: (event: WatchEvent) => void): Subscription & { deliver(e: WatchEvent): void } {
    let active = true;
    const deliver = (event: WatchEvent): void => {
      const copy = { type: event.type, object: cloneValue(event.object) };
      queueMicrotask(() => {
        if (active) onEvent(copy);
      });
    };
    const subscriber = { filter, deliver };
    subscribers.add(subscriber);
    return {
      deliver,
      cancel: () => {
        active = false;
        subscribers.delete(subscriber);
      },
    };
  }

  return { append, since, subscribe };
}
