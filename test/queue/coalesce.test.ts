/** The coalescing work queue (queue/coalesce.ts): what one event-loop turn enqueues leaves in one send, all or nothing. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { coalescingWorkQueue } from "../../src/queue/coalesce.ts";
import type { ReconcileRequest } from "../../src/queue/messages.ts";
import type { WorkQueue } from "../../src/queue/queue.ts";

const request = (uid: string): ReconcileRequest => ({
  trigger: { apiVersion: "x.dev/v1", kind: "App", namespace: "ns", name: uid, uid },
  reason: "timer",
  nonce: uid,
});

function recording(fail: (sent: readonly ReconcileRequest[]) => boolean = () => false) {
  const sends: string[][] = [];
  const work: WorkQueue = {
    async enqueue(requests) {
      sends.push(requests.map((r) => r.trigger.uid));
      if (fail(requests)) throw new Error("SQS rejected the batch");
    },
  };
  return { sends, queue: coalescingWorkQueue(work) };
}

test("SRV-5: the forwards of one turn leave in one send, in order; a later turn sends its own", async () => {
  const { sends, queue } = recording();
  await Promise.all([queue.enqueue([request("a")]), Promise.resolve().then(() => queue.enqueue([request("b"), request("c")])), queue.enqueue([request("d")])]);
  await queue.enqueue([request("e")]);
  assert.deepEqual(sends, [["a", "d", "b", "c"], ["e"]]);
});

test("SRV-5: a failed send fails every enqueue it carried, and only those", async () => {
  const { sends, queue } = recording((sent) => sent.some((r) => r.trigger.uid === "bad"));
  const first = await Promise.allSettled([queue.enqueue([request("a")]), queue.enqueue([request("bad")])]);
  assert.deepEqual(
    first.map((r) => r.status),
    ["rejected", "rejected"],
  );
  await queue.enqueue([request("c")]);
  assert.deepEqual(sends, [["a", "bad"], ["c"]]);
});
