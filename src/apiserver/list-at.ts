/**
 * Lists as of an earlier resourceVersion: the current objects with every later
 * event undone, newest first. This is what keeps a paginated list consistent (all
 * pages show the first page's version) and what `resourceVersionMatch=Exact` asks
 * for. Possible while the watch history still holds those events; older versions
 * get 410, as etcd compaction causes on a real cluster.
 */
import { meta, str, type JsonObject } from "./json.ts";
import { objectId, type ObjectStore } from "./store.ts";
import type { WatchHub } from "./watch-hub.ts";

function idOf(obj: JsonObject): string {
  return objectId(str(meta(obj)["namespace"]) ?? "", str(meta(obj)["name"]) ?? "");
}

/** The objects of `resource` at `rv`, or undefined when that version is no longer in the history. */
export function objectsAt(store: ObjectStore, hub: WatchHub, resource: string, rv: number, namespace?: string): JsonObject[] | undefined {
  const current = store.list(resource, namespace);
  if (rv >= store.resourceVersion) return current;
  const later = hub.since(resource, rv);
  if (later === undefined) return undefined;
  if (later.length === 0) return current;
  const objects = new Map(current.map((o) => [idOf(o), o]));
  for (const event of [...later].reverse()) {
    if (namespace !== undefined && meta(event.object)["namespace"] !== namespace) continue;
    const id = idOf(event.object);
    if (event.type === "ADDED") objects.delete(id);
    else objects.set(id, event.previous ?? event.object);
  }
  return [...objects.values()];
}
