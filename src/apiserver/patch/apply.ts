/**
 * Server-side apply: create-or-update from a partial object.
 */
import { meta, str, type JsonObject } from "../json.ts";
import type { ObjectService, UpdateOptions, WriteContext } from "../objects.ts";
import type { ResourceType } from "../resource-type.ts";
import { mergePatch } from "./merge-patch.ts";

export interface ApplyResult {
  readonly object: JsonObject;
  readonly created: boolean;
}

export class ServerSideApply {
  constructor(private readonly objects: ObjectService) {}

  apply(type: ResourceType, namespace: string, applied: JsonObject, ctx: WriteContext, _force: boolean, opts: UpdateOptions): ApplyResult {
    const name = str(meta(applied)["name"]) ?? "";
    const current = this.objects.find(type, namespace, name);
    if (current === undefined) return { object: this.objects.create(type, applied, ctx), created: true };
    const merged = mergePatch(current, applied) as JsonObject;
    return { object: this.objects.update(type, current, merged, ctx, { ...opts, operation: "Apply" }), created: false };
  }
}
