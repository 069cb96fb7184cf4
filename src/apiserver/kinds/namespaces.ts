/** Namespace objects: the phase the namespace controller would maintain. */
import { isObject, type JsonObject } from "../json.ts";
import { isTerminating } from "../metadata.ts";
import type { KindHooks } from "../objects.ts";

export const namespaceHooks: KindHooks = {
  prepare(obj: JsonObject) {
    const spec = isObject(obj["spec"]) ? obj["spec"] : {};
    obj["spec"] = { ...spec, finalizers: ["kubernetes"] };
    obj["status"] = { phase: isTerminating(obj) ? "Terminating" : "Active" };
  },
};
