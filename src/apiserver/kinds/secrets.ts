/** Secret defaulting: core/v1 gives an untyped Secret the type Opaque. */
import type { KindHooks } from "../objects.ts";

export const SECRET_RESOURCE = "/secrets";

export const secretHooks: KindHooks = {
  prepare(obj) {
    if (typeof obj["type"] !== "string" || obj["type"] === "") obj["type"] = "Opaque";
  },
};
