/**
 * The relay's predicate (SRV-1): forward a trigger event only when its CTL-8 hash
 * differs from the last one forwarded for that uid. Status-only writes, Koreo's
 * own included, are dropped here so reconciles don't loop. DELETED always passes
 * (and forgets the uid). State is per relay process; a restart forwards
 * everything once and the gate absorbs it.
 */
import type { WatchEvent } from "../cluster/index.ts";
import { isMap } from "../value/index.ts";

export interface HashFilter {
  /** Whether to forward the event, remembering its hash. */
  admit(event: WatchEvent, hash: string): boolean;
  /** uids currently known, for the definitions fan-out (SRV-9). */
  known(): IterableIterator<string>;
  /** Forgets a uid's hash, so its next event (a re-list's ADDED included) is forwarded again. */
  forget(uid: string): void;
}

export function createHashFilter(): HashFilter {
  const lastHash = new Map<string, string>();
  return {
    admit(event, hash) {
      const uid = uidOf(event);
      if (uid === undefined) return false;
      if (event.type === "DELETED") {
        lastHash.delete(uid);
        return true;
      }
      if (lastHash.get(uid) === hash) return false;
      lastHash.set(uid, hash);
      return true;
    },
    known: () => lastHash.keys(),
    forget: (uid) => void lastHash.delete(uid),
  };
}

function uidOf(event: WatchEvent): string | undefined {
  const metadata = event.object.metadata;
  const uid = isMap(metadata) ? metadata.uid : undefined;
  return typeof uid === "string" ? uid : undefined;
}
