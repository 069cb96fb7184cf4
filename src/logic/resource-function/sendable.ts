/** Building a request body can fail on values JSON cannot carry (non-finite doubles): a PermFail, not a crash. */
import { Outcome } from "../../outcome/index.ts";
import type { ValueMap } from "../../value/index.ts";
import type { Resolved } from "./identity.ts";

export function sendable(build: () => ValueMap, display: string): Resolved<ValueMap> {
  try {
    return { ok: true, value: build() };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { ok: false, outcome: Outcome.permFail(`Cannot send ${display}: ${e.message} in the resource specification`) };
  }
}
