/** Watch events → requests (SRV-1, SRV-2): trigger events carry the trigger's resourceVersion for the handlers' no-GET drops. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mapTriggerEvent } from "../../src/relay/map-event.ts";

const object = (resourceVersion?: string) => ({
  apiVersion: "e2e.koreo.dev/v1",
  kind: "Widget",
  metadata: { name: "w", namespace: "ns", uid: "u1", ...(resourceVersion === undefined ? {} : { resourceVersion }) },
});
const trigger = { apiVersion: "e2e.koreo.dev/v1", kind: "Widget", namespace: "ns", name: "w", uid: "u1" };

test("SRV-1 / SRV-2: a trigger event's request carries the version the relay saw; DELETED too; none when the object has none", () => {
  assert.deepEqual(mapTriggerEvent({ type: "MODIFIED", object: object("42") }, "h"), [{ trigger, reason: "event", hash: "h", resourceVersion: "42" }]);
  assert.deepEqual(mapTriggerEvent({ type: "DELETED", object: object("43") }, "h"), [{ trigger, reason: "event", hash: "deleted:h", resourceVersion: "43" }]);
  assert.deepEqual(mapTriggerEvent({ type: "ADDED", object: object() }, "h"), [{ trigger, reason: "event", hash: "h" }]);
});
