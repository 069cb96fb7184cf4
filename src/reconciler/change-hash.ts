/**
 * CTL-8 change hash as the runtime uses it (relay filter, gate, sweep): the
 * engine's `triggerHash` of the trigger without our gate record annotation,
 * which Koreo writes itself and so must not count as a change.
 */
import type { KubeObject } from "../cluster/index.ts";
import { withMetadata } from "../cluster/index.ts";
import { isMap, type ValueMap } from "../value/index.ts";
import { triggerHash } from "../workflow/index.ts";
import { RECORD_ANNOTATION } from "./record.ts";

export function changeHash(trigger: KubeObject): string {
  return triggerHash(withMetadata(trigger, stripRecord));
}

function stripRecord(metadata: ValueMap): ValueMap {
  const annotations = metadata.annotations;
  if (!isMap(annotations) || !(RECORD_ANNOTATION in annotations)) return metadata;
  const { [RECORD_ANNOTATION]: _record, ...rest } = annotations;
  return { ...metadata, annotations: rest };
}
