/**
 * REST verbs on a resource path: list/watch/get/create/replace/patch/delete.
 * Each handler turns query parameters into options and calls the object
 * service; HTTP status codes are decided here and nowhere else.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest, gone, methodNotAllowed, pathNotFound, unsupportedMediaType } from "../errors.ts";
import { objectsAt } from "../list-at.ts";
import { clone, isObject, meta, str, type Json, type JsonObject } from "../json.ts";
import type { Operation, ValidatingAdmission } from "../admission/index.ts";
import type { GarbageCollector, PropagationPolicy } from "../gc.ts";
import { normalizeIncoming } from "../metadata.ts";
import { type FieldValidation, type ObjectService, type WriteContext } from "../objects.ts";
import { jsonPatch } from "../patch/json-patch.ts";
import { applyMergePatch } from "../../value/index.ts";
import { strategicMerge } from "../patch/strategic-merge.ts";
import type { ServerSideApply } from "../patch/apply.ts";
import type { ResourceRegistry } from "../registry.ts";
import { apiVersionOf, resourceKey, type ResourceType } from "../resource-type.ts";
import { KUBELET_SUBRESOURCES, noKubelet } from "../kinds/pods.ts";
import { requestedReplicas, toScale, withReplicas } from "../scale.ts";
import { buildFilter } from "../selectors.ts";
import { tableRequest, toTable, type TableRequest } from "../tables/table.ts";
import { bodyFormat, decodeBody, readBody, type BodyFormat } from "./body.ts";
import type { Route } from "./paths.ts";
import { listJson, objectJson, sendJson, sendText } from "./respond.ts";
import { expiredToken, initialEvents, listVersion } from "./list-options.ts";
import { paginate } from "./pagination.ts";
import type { WatchStreamer } from "./watch.ts";

export interface ResourceDeps {
  readonly registry: ResourceRegistry;
  readonly objects: ObjectService;
  readonly gc: GarbageCollector;
  readonly apply: ServerSideApply;
  readonly watches: WatchStreamer;
  readonly maxBodyBytes: number;
  /** Upper bound on list page size, whatever `limit` asks for. */
  readonly maxListItems: number;
  /** Validating admission webhooks; absent: writes are not reviewed. */
  readonly admission?: ValidatingAdmission;
}

/** A write's result and the stored object it replaced (none for a create), as admission reviews them. */
interface Written<T> {
  readonly result: T;
  readonly object: JsonObject;
  readonly old: JsonObject | undefined;
}

type ResourceRoute = Route & { kind: "resource" };

interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly query: URLSearchParams;
  readonly type: ResourceType;
  readonly namespace: string;
  readonly route: ResourceRoute;
  /** Set when the client asked for server-side printing (`kubectl get`). */
  readonly table: TableRequest | undefined;
}

/** The embedded server authenticates nobody; reviews name the one user every client is. */
const ADMISSION_USER = "kubernetes-admin";

const FIELD_VALIDATION = new Set(["Strict", "Warn", "Ignore"]);

function writeContext(query: URLSearchParams, req: IncomingMessage): WriteContext {
  const dryRun = query.getAll("dryRun");
  if (dryRun.some((d) => d !== "All")) throw badRequest(`unsupported dryRun value; only "All" is allowed`);
  const validation = query.get("fieldValidation") ?? "Warn";
  if (!FIELD_VALIDATION.has(validation)) throw badRequest(`fieldValidation must be one of Strict, Warn, Ignore`);
  // As kube-apiserver: without fieldManager, the user agent up to the first "/" names the manager.
  const agent = (req.headers["user-agent"] ?? "unknown").split("/")[0] ?? "unknown";
  return { dryRun: dryRun.length > 0, fieldManager: query.get("fieldManager") ?? agent, fieldValidation: validation as FieldValidation, warnings: [] };
}

function hasSubresource(type: ResourceType, subresource: string): boolean {
  if (subresource === "status") return type.statusSubresource;
  if (type.group === "" && type.plural === "pods" && KUBELET_SUBRESOURCES.has(subresource)) return true;
  return subresource === "scale" && type.scale !== undefined;
}

/** Formats that carry a whole object (create and replace), as opposed to a patch. */
function isObjectFormat(format: BodyFormat): boolean {
  return format === "json" || format === "yaml" || format === "protobuf";
}

export class ResourceHandler {
  constructor(private readonly deps: ResourceDeps) {}

  /** Serves the request; reads finish synchronously, writes return a promise. Failures are thrown (or reject). */
  handle(req: IncomingMessage, res: ServerResponse, route: ResourceRoute, query: URLSearchParams): void | Promise<void> {
    const type = this.deps.registry.lookup(route.group, route.version, route.plural);
    if (type === undefined || (route.namespace !== undefined && !type.namespaced)) throw pathNotFound();
    if (route.subresource !== undefined && !hasSubresource(type, route.subresource)) throw pathNotFound();
    const table = req.method === "GET" ? tableRequest(req.headers["accept"], query.get("includeObject")) : undefined;
    const call: Call = { req, res, query, type, namespace: route.namespace ?? "", route, table };
    const method = req.method ?? "GET";
    if (route.name === undefined) return this.collection(call, method);
    return this.item(call, method, route.name);
  }

  private collection(call: Call, method: string): void | Promise<void> {
    if (method === "GET") return this.listOrWatch(call);
    if (method === "POST") return this.create(call);
    if (method === "DELETE") return this.deleteCollection(call);
    throw methodNotAllowed(method);
  }

  private item(call: Call, method: string, name: string): void | Promise<void> {
    if (call.type.namespaced && call.route.namespace === undefined) throw pathNotFound();
    if (call.route.subresource === "scale") return this.scale(call, method, name);
    if (call.route.subresource !== undefined && KUBELET_SUBRESOURCES.has(call.route.subresource)) {
      this.deps.objects.get(call.type, call.namespace, name);
      throw noKubelet(name, call.route.subresource);
    }
    switch (method) {
      case "GET":
        return this.read(call, name);
      case "PUT":
        return this.replace(call, name);
      case "PATCH":
        return this.patch(call, name);
      case "DELETE":
        return this.delete(call, name);
      default:
        throw methodNotAllowed(method);
    }
  }

  private read(call: Call, name: string): void {
    const stored = this.deps.objects.get(call.type, call.namespace, name);
    if (call.table === undefined) return this.sendObject(call, 200, stored);
    const obj = this.deps.objects.present(call.type, stored);
    sendJson(call.res, 200, toTable(call.type, [obj], { resourceVersion: meta(obj)["resourceVersion"] ?? "" }, call.table));
  }

  /** The text of a stored object as `type`'s version: in that version, serialized once and reused by every read. */
  private objectText(type: ResourceType, obj: JsonObject): string {
    const presented = this.deps.objects.present(type, obj);
    return presented === obj ? objectJson(obj) : JSON.stringify(presented);
  }

  /** Sends a stored object (gets); write results go out with sendJson, not kept: most are never read in that form again. */
  private sendObject(call: Call, code: number, obj: JsonObject): void {
    sendText(call.res, code, this.objectText(call.type, obj));
  }

  private listOrWatch(call: Call): void {
    const { query, type } = call;
    const namespace = call.route.namespace;
    const filter = buildFilter(query.get("labelSelector"), query.get("fieldSelector"), type.kind);
    const watch = query.get("watch");
    if (watch === "true" || watch === "1") {
      const rv = query.get("resourceVersion");
      const timeout = query.get("timeoutSeconds");
      this.deps.watches.serve(call.res, {
        type,
        ...(namespace === undefined ? {} : { namespace }),
        ...(filter === undefined ? {} : { filter }),
        ...(rv === null ? {} : { resourceVersion: rv }),
        ...(timeout === null || !/^\d+$/.test(timeout) ? {} : { timeoutSeconds: Number(timeout) }),
        bookmarks: query.get("allowWatchBookmarks") === "true",
        ...initialEvents(query),
        ...(call.table === undefined ? {} : { table: call.table }),
      });
      return;
    }
    const { objects, rv, after } = this.listed(type, namespace, query);
    const matching = filter === undefined ? objects : objects.filter(filter);
    const page = paginate(matching, query.get("limit"), after, this.deps.maxListItems, rv);
    const metadata: JsonObject = { resourceVersion: String(rv) };
    if (page.continueToken !== undefined) {
      metadata["continue"] = page.continueToken;
      metadata["remainingItemCount"] = page.remaining;
    }
    if (call.table !== undefined) {
      const items = page.items.map((o) => this.deps.objects.present(type, o));
      return sendJson(call.res, 200, toTable(type, items, metadata, call.table));
    }
    const items = page.items.map((o) => this.objectText(type, o));
    sendText(call.res, 200, listJson(apiVersionOf(type), type.listKind, metadata, items));
  }

  /** The objects a list reads: now, or at the version a continue token or resourceVersionMatch=Exact names. */
  private listed(type: ResourceType, namespace: string | undefined, query: URLSearchParams): { objects: JsonObject[]; rv: number; after?: string } {
    const { store, hub } = this.deps.objects;
    const version = listVersion(query, store.resourceVersion);
    const after = version.token === undefined ? {} : { after: version.token.after };
    if (version.at === undefined) return { objects: store.list(resourceKey(type), namespace), rv: store.resourceVersion, ...after };
    const objects = objectsAt(store, hub, resourceKey(type), version.at, namespace);
    if (objects === undefined) throw version.token === undefined ? gone(String(version.at)) : expiredToken();
    return { objects, rv: version.at, ...after };
  }

  private async body(call: Call): Promise<{ format: BodyFormat; value: Json }> {
    const format = bodyFormat(call.req.headers["content-type"]);
    const raw = await readBody(call.req, this.deps.maxBodyBytes);
    return { format, value: decodeBody(format, raw) };
  }

  private async create(call: Call): Promise<void> {
    if (call.type.namespaced && call.route.namespace === undefined) throw methodNotAllowed("POST");
    const { format, value } = await this.body(call);
    if (!isObjectFormat(format)) throw unsupportedMediaType(call.req.headers["content-type"] ?? "");
    const ctx = writeContext(call.query, call.req);
    const obj = normalizeIncoming(call.type, value, call.namespace, undefined, true);
    const created = await this.admitted(call, ctx, ["CREATE"], (c, again) => {
      const object = this.deps.objects.create(call.type, again ? clone(obj) : obj, c);
      return { result: object, object, old: undefined };
    });
    sendJson(call.res, 201, this.deps.objects.present(call.type, created), ctx.warnings);
  }

  private async replace(call: Call, name: string): Promise<void> {
    const { format, value } = await this.body(call);
    if (!isObjectFormat(format)) throw unsupportedMediaType(call.req.headers["content-type"] ?? "");
    const ctx = writeContext(call.query, call.req);
    const incoming = normalizeIncoming(call.type, value, call.namespace, name, true);
    const updated = await this.admitted(call, ctx, ["UPDATE"], (c, again) => {
      const current = this.deps.objects.get(call.type, call.namespace, name);
      const object = this.deps.objects.update(call.type, current, again ? clone(incoming) : incoming, c, this.subresourceOption(call));
      return { result: object, object, old: current };
    });
    sendJson(call.res, 200, this.deps.objects.present(call.type, updated), ctx.warnings);
  }

  /** GET, PUT and PATCH of the autoscaling/v1 Scale view; writes change only the replicas. */
  private async scale(call: Call, method: string, name: string): Promise<void> {
    const scale = call.type.scale!;
    if (method === "GET") return sendJson(call.res, 200, toScale(scale, this.deps.objects.get(call.type, call.namespace, name)));
    if (method !== "PUT" && method !== "PATCH") throw methodNotAllowed(method);
    const { format, value } = await this.body(call);
    // Read after the body has arrived: the object may have changed meanwhile.
    const current = this.deps.objects.get(call.type, call.namespace, name);
    const ctx = writeContext(call.query, call.req);
    if (format === "apply") throw unsupportedMediaType("application/apply-patch+yaml");
    if (method === "PUT" && !isObjectFormat(format)) throw unsupportedMediaType(call.req.headers["content-type"] ?? "");
    const wanted = method === "PUT" ? value : this.applyPatch(call.type, format, toScale(scale, current), value);
    const rv = isObject(wanted) ? meta(wanted)["resourceVersion"] : undefined;
    const next = withReplicas(scale, current, requestedReplicas(wanted, name), rv);
    const updated = this.deps.objects.update(call.type, current, normalizeIncoming(call.type, next, call.namespace, name), ctx);
    sendJson(call.res, 200, toScale(scale, updated), ctx.warnings);
  }

  private subresourceOption(call: Call): { subresource?: "status" } {
    return call.route.subresource === "status" ? { subresource: "status" } : {};
  }

  private async patch(call: Call, name: string): Promise<void> {
    const { format, value } = await this.body(call);
    const ctx = writeContext(call.query, call.req);
    if (format === "apply") return this.serverSideApply(call, name, value, ctx);
    const updated = await this.admitted(call, ctx, ["UPDATE"], (c) => {
      const current = this.deps.objects.get(call.type, call.namespace, name);
      const patched = this.applyPatch(call.type, format, current, value);
      const incoming = normalizeIncoming(call.type, patched, call.namespace, name);
      const object = this.deps.objects.update(call.type, current, incoming, c, this.subresourceOption(call));
      return { result: object, object, old: current };
    });
    sendJson(call.res, 200, this.deps.objects.present(call.type, updated), ctx.warnings);
  }

  /**
   * Runs `write`; when a validating webhook may apply, first as a dry run, whose result the
   * webhooks review, then (allowed, and not itself a dry run) for real. `write` reads the
   * current object itself, so the real write never rests on a copy read before the review;
   * `again` says its input is used once more afterwards (writes change their input in place).
   */
  private async admitted<T>(
    call: Call,
    ctx: WriteContext,
    operations: readonly Operation[],
    write: (ctx: WriteContext, again: boolean) => Written<T>,
  ): Promise<T> {
    const admission = this.deps.admission;
    const subresource = call.route.subresource;
    if (admission === undefined || !operations.some((op) => admission.applies(call.type, subresource, op))) return write(ctx, false).result;
    const preview = write(ctx.dryRun ? ctx : { ...ctx, dryRun: true, warnings: [] }, !ctx.dryRun);
    const warnings = await admission.validate({
      type: call.type,
      subresource,
      operation: preview.old === undefined ? "CREATE" : "UPDATE",
      namespace: call.namespace,
      name: str(meta(preview.object)["name"]) ?? "",
      object: preview.object,
      oldObject: preview.old ?? null,
      dryRun: ctx.dryRun,
      username: ADMISSION_USER,
    });
    ctx.warnings.push(...warnings);
    return ctx.dryRun ? preview.result : write(ctx, false).result;
  }

  private applyPatch(type: ResourceType, format: BodyFormat, current: JsonObject, patch: Json): Json {
    switch (format) {
      case "merge":
        if (!isObject(patch)) throw badRequest("a merge patch must be a JSON object");
        return applyMergePatch<Json>(current, patch);
      case "json-patch":
        return jsonPatch(current, patch);
      case "strategic":
        // kube-apiserver refuses strategic merge on custom resources: there is no patch metadata.
        if (!type.strategicMerge) throw unsupportedMediaType("application/strategic-merge-patch+json");
        if (!isObject(patch)) throw badRequest("a strategic merge patch must be a JSON object");
        return strategicMerge(current, patch);
      default:
        throw unsupportedMediaType(format);
    }
  }

  private async serverSideApply(call: Call, name: string, value: Json, ctx: WriteContext): Promise<void> {
    if (call.query.get("fieldManager") === null) throw badRequest("PATCH, application/apply-patch+yaml: fieldManager is required for apply requests");
    const applied = normalizeIncoming(call.type, value, call.namespace, name, true);
    const force = call.query.get("force") === "true";
    const result = await this.admitted(call, ctx, ["CREATE", "UPDATE"], (c, again) => {
      const old = this.deps.objects.store.get(resourceKey(call.type), call.namespace, name);
      const applyResult = this.deps.apply.apply(call.type, call.namespace, again ? clone(applied) : applied, c, force, this.subresourceOption(call));
      return { result: applyResult, object: applyResult.object, old };
    });
    sendJson(call.res, result.created ? 201 : 200, this.deps.objects.present(call.type, result.object), ctx.warnings);
  }

  private async deleteOptions(call: Call): Promise<{ policy: PropagationPolicy; preconditions: JsonObject }> {
    let body: Json = {};
    const hasBody = Number(call.req.headers["content-length"] ?? "0") > 0 || call.req.headers["transfer-encoding"] !== undefined;
    if (hasBody) {
      const raw = await readBody(call.req, this.deps.maxBodyBytes);
      if (raw.length > 0) body = decodeBody("json", raw);
    }
    const opts = isObject(body) ? body : {};
    const policy = call.query.get("propagationPolicy") ?? str(opts["propagationPolicy"]) ?? (opts["orphanDependents"] === true ? "Orphan" : "Background");
    if (policy !== "Background" && policy !== "Foreground" && policy !== "Orphan") throw badRequest(`unsupported propagationPolicy "${policy}"`);
    return { policy, preconditions: isObject(opts["preconditions"]) ? opts["preconditions"] : {} };
  }

  private async delete(call: Call, name: string): Promise<void> {
    const { policy, preconditions } = await this.deleteOptions(call);
    const ctx = writeContext(call.query, call.req);
    const current = this.deps.objects.get(call.type, call.namespace, name);
    checkPreconditions(call.type, current, preconditions);
    const result = this.deps.gc.delete(call.type, current, policy, ctx);
    sendJson(call.res, 200, this.deps.objects.present(call.type, result));
  }

  private async deleteCollection(call: Call): Promise<void> {
    const { policy } = await this.deleteOptions(call);
    const ctx = writeContext(call.query, call.req);
    const filter = buildFilter(call.query.get("labelSelector"), call.query.get("fieldSelector"), call.type.kind);
    const all = this.deps.objects.store.list(resourceKey(call.type), call.route.namespace);
    const victims = filter === undefined ? all : all.filter(filter);
    const items = victims.map((o) => this.deps.objects.present(call.type, this.deps.gc.delete(call.type, o, policy, ctx)));
    sendJson(call.res, 200, {
      apiVersion: call.type.group === "" ? call.type.version : `${call.type.group}/${call.type.version}`,
      kind: call.type.listKind,
      metadata: {},
      items,
    });
  }
}

function checkPreconditions(type: ResourceType, current: JsonObject, pre: JsonObject): void {
  const m = meta(current);
  const name = str(m["name"]) ?? "";
  if (pre["uid"] !== undefined && pre["uid"] !== m["uid"])
    throw new ApiError(409, "Conflict", `Precondition failed: UID in precondition: ${String(pre["uid"])}, UID in object meta: ${String(m["uid"])}`, {
      name,
      group: type.group,
      kind: type.plural,
    });
  if (pre["resourceVersion"] !== undefined && pre["resourceVersion"] !== m["resourceVersion"]) {
    throw new ApiError(
      409,
      "Conflict",
      `Precondition failed: ResourceVersion in precondition: ${String(pre["resourceVersion"])}, ResourceVersion in object meta: ${String(m["resourceVersion"])}`,
      { name, group: type.group, kind: type.plural },
    );
  }
}
