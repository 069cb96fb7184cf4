/**
 * Failures as Kubernetes `Status` objects. Handlers throw `ApiError`; the router
 * turns it into the JSON body clients (kubectl, client-node) parse for `reason`.
 */
import type { JsonObject } from "./json.ts";

export type StatusReason =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "BadRequest"
  | "MethodNotAllowed"
  | "RequestEntityTooLarge"
  | "Gone"
  | "Expired"
  | "Timeout"
  | "Forbidden"
  | "UnsupportedMediaType"
  | "TooManyRequests"
  | "NotAcceptable"
  | "InternalError";

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message: string; field?: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): JsonObject {
    const body: JsonObject = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: this.message, reason: this.reason, code: this.code };
    if (this.details !== undefined) body["details"] = JSON.parse(JSON.stringify(this.details)) as JsonObject;
    return body;
  }
}

/** Identifies the object in messages the way kube-apiserver does: `configmaps "x"`, `foos.example.com "x"`. */
export interface Target {
  group: string;
  plural: string;
  name: string;
}

function qualified(t: Target): string {
  return t.group === "" ? t.plural : `${t.plural}.${t.group}`;
}

export const notFound = (t: Target): ApiError =>
  new ApiError(404, "NotFound", `${qualified(t)} "${t.name}" not found`, { name: t.name, group: t.group, kind: t.plural });

export const alreadyExists = (t: Target): ApiError =>
  new ApiError(409, "AlreadyExists", `${qualified(t)} "${t.name}" already exists`, { name: t.name, group: t.group, kind: t.plural });

export const conflict = (t: Target, why: string): ApiError =>
  new ApiError(409, "Conflict", `Operation cannot be fulfilled on ${qualified(t)} "${t.name}": ${why}`, { name: t.name, group: t.group, kind: t.plural });

/** A field error's reason, read off its message as apimachinery's field.ErrorType words it. */
function causeReason(message: string): string {
  const prefixes: [string, string][] = [
    ["Required value", "FieldValueRequired"],
    ["Unsupported value", "FieldValueNotSupported"],
    ["Duplicate value", "FieldValueDuplicate"],
    ["Forbidden", "FieldValueForbidden"],
    ["Too long", "FieldValueTooLong"],
    ["Too many", "FieldValueTooMany"],
  ];
  return prefixes.find(([prefix]) => message.startsWith(prefix))?.[1] ?? "FieldValueInvalid";
}

/**
 * 422 Invalid as kube-apiserver words it: `Foo.example.com "x" is invalid: spec.size: Required value`,
 * several causes in brackets. `qualifiedKind` is Kind or Kind.group; details carry them apart
 * (kubectl prints `The Foo "x" is invalid`).
 */
export const invalid = (qualifiedKind: string, name: string, causes: { field: string; message: string }[]): ApiError => {
  const dot = qualifiedKind.indexOf(".");
  const kind = dot < 0 ? qualifiedKind : qualifiedKind.slice(0, dot);
  const group = dot < 0 ? "" : qualifiedKind.slice(dot + 1);
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const text = list.length === 1 ? list[0]! : `[${list.join(", ")}]`;
  return new ApiError(422, "Invalid", `${group === "" ? kind : `${kind}.${group}`} "${name}" is invalid: ${text}`, {
    name,
    group,
    kind,
    causes: causes.map((c) => ({ reason: causeReason(c.message), message: c.message, field: c.field })),
  });
};

export const badRequest = (message: string): ApiError => new ApiError(400, "BadRequest", message);

export const pathNotFound = (): ApiError => new ApiError(404, "NotFound", "the server could not find the requested resource");

export const methodNotAllowed = (method: string): ApiError =>
  new ApiError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource (${method})`);

export const unsupportedMediaType = (contentType: string): ApiError =>
  new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/merge-patch+json, application/json-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
  );

export const tooLarge = (what: string): ApiError => new ApiError(413, "RequestEntityTooLarge", `${what} is larger than the limit`);

export const gone = (rv: string): ApiError => new ApiError(410, "Gone", `too old resource version: ${rv}`);
