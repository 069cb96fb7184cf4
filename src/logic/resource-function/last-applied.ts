/** RF-18 / RF-19: what is sent to the API, and the last-applied annotation read back for CMP-5. */
import { metadataOf } from "../../cluster/index.ts";
import { isMap, parseJsonValue, toJsonText, type Value, type ValueMap } from "../../value/index.ts";
import { stripDirectives } from "../compare/directives.ts";

export const LAST_APPLIED_ANNOTATION = "koreo.dev/last-applied-configuration";

/**
 * Directives stripped, then the annotation set to the JSON of that stripped body
 * (so it never contains itself); other annotations are kept.
 */
export function bodyToSend(body: ValueMap): ValueMap {
  const stripped = stripDirectives(body) as ValueMap;
  const text = toJsonText(stripped);
  const metadata = metadataOf(stripped);
  const annotations = isMap(metadata.annotations) ? metadata.annotations : {};
  return { ...stripped, metadata: { ...metadata, annotations: { ...annotations, [LAST_APPLIED_ANNOTATION]: text } } };
}

/** The parsed annotation of a live object, or `null` when absent or unreadable. */
export function lastAppliedOf(live: Value): Value {
  const metadata = isMap(live) ? live.metadata : undefined;
  const annotations = isMap(metadata) ? metadata.annotations : undefined;
  const text = isMap(annotations) ? annotations[LAST_APPLIED_ANNOTATION] : undefined;
  if (typeof text !== "string") return null;
  try {
    return parseJsonValue(text);
  } catch {
    // A hand-edited annotation that is not JSON is treated as absent, not as a failure.
    return null;
  }
}
