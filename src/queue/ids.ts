/**
 * FIFO group and deduplication ids (SRV-2). The group is the trigger uid, so one
 * trigger is never reconciled by two handlers at once (CTL-11) while different
 * triggers fan out. Dedup ids make duplicates of the same logical request
 * collapse inside SQS's 5-minute window; the gate absorbs the rest.
 */
import type { ReconcileRequest } from "./messages.ts";

export function messageGroupId(request: ReconcileRequest): string {
  return request.trigger.uid;
}

/** At most 128 characters from [A-Za-z0-9!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~]. */
export function deduplicationId(request: ReconcileRequest): string {
  const uid = request.trigger.uid;
  const nonce = request.nonce === undefined ? "" : `:${request.nonce}`;
  switch (request.reason) {
    case "event":
      // With the version, a change back to an earlier spec (same hash) within SQS's 5-minute window is not taken for a duplicate.
      return clip(`${uid}:event:${request.hash ?? "nohash"}${request.resourceVersion === undefined ? "" : `:${request.resourceVersion}`}${nonce}`);
    case "timer":
    case "sweep":
      return clip(`${uid}:${request.reason}:${request.dueAt ?? 0}${nonce}`);
    case "definitions":
    case "force":
    case "drift":
      return clip(`${uid}:${request.reason}${nonce || ":none"}`);
  }
}

function clip(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9!-~]/g, "_");
  return safe.length <= 128 ? safe : safe.slice(0, 128);
}
