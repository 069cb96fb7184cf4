/**
 * The engine's side of drift: a ResourceFunction about to write an object Koreo applied before
 * tells whether the write puts back fields another field manager changed, and who that was. It
 * changes nothing in the pass (same compare, same write, same outcome); the runtime uses it to
 * name a persistent other writer and back off instead of fighting it every pass.
 */
import type { KubeObject } from "../../cluster/index.ts";
import type { ValueMap } from "../../value/index.ts";
import { differingPaths, driftedFields, valueAtPath } from "../compare/drift.ts";
import { stripDirectives } from "../compare/directives.ts";
import type { ResourceDrift } from "../types.ts";
import type { Identity } from "./identity.ts";
import { lastAppliedOf } from "./last-applied.ts";

/** The first field another manager changed that this write (a merge patch of `target`) sets back; undefined when none. */
export function correctedDrift(identity: Identity, target: ValueMap, live: KubeObject): ResourceDrift | undefined {
  const wanted = stripDirectives(target);
  const drift = driftedFields(live, lastAppliedOf(live)).find((d) => {
    const want = valueAtPath(wanted, d.path);
    return want !== undefined && differingPaths(want, valueAtPath(live, d.path) ?? null).length > 0;
  });
  if (drift === undefined) return undefined;
  const object = {
    apiVersion: identity.apiVersion,
    kind: identity.kind,
    name: identity.name,
    ...(identity.namespace ? { namespace: identity.namespace } : {}),
  };
  return { object, field: drift.field, ...(drift.manager === undefined ? {} : { manager: drift.manager }) };
}
