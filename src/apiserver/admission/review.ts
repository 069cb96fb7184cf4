/**
 * The admission.k8s.io/v1 AdmissionReview this server sends, and how an answer (or a
 * failed call) becomes a verdict (pure). Messages follow kube-apiserver's, which
 * kubectl users know: `admission webhook "<name>" denied the request: <message>`.
 */
import { isObject, str, type Json, type JsonObject } from "../json.ts";
import type { Attributes, Webhook } from "./rules.ts";

export interface ReviewInput {
  readonly uid: string;
  readonly attributes: Attributes;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly object: JsonObject | null;
  readonly oldObject: JsonObject | null;
  readonly dryRun: boolean;
  readonly username: string;
}

export function admissionReview(input: ReviewInput): JsonObject {
  const a = input.attributes;
  const [resource, subResource] = a.resource.split("/") as [string, string | undefined];
  const gvk = { group: a.group, version: a.version, kind: input.kind };
  const gvr = { group: a.group, version: a.version, resource };
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: input.uid,
      kind: gvk,
      resource: gvr,
      ...(subResource === undefined ? {} : { subResource }),
      requestKind: gvk,
      requestResource: gvr,
      ...(subResource === undefined ? {} : { requestSubResource: subResource }),
      name: input.name,
      ...(a.namespaced ? { namespace: input.namespace } : {}),
      operation: a.operation,
      userInfo: { username: input.username },
      object: input.object,
      oldObject: input.oldObject,
      dryRun: input.dryRun,
    },
  };
}

/** A webhook's verdict. `failed` is a call that did not produce a usable answer. */
export type Verdict =
  | { readonly type: "allowed"; readonly warnings: readonly string[] }
  | { readonly type: "denied"; readonly code: number; readonly message: string; readonly warnings: readonly string[] }
  | { readonly type: "failed"; readonly message: string };

function warningsOf(response: JsonObject): string[] {
  const w = response["warnings"];
  // kube-apiserver drops empty warnings and caps their length; so do we.
  return Array.isArray(w) ? w.filter((x): x is string => typeof x === "string" && x !== "").map((x) => x.slice(0, 4096)) : [];
}

function denial(webhook: Webhook, response: JsonObject): Verdict {
  const status = isObject(response["status"]) ? response["status"] : {};
  const code = typeof status["code"] === "number" && status["code"] >= 400 ? status["code"] : 400;
  const explanation = str(status["message"]) ?? str(status["reason"]) ?? "without explanation";
  const message = `admission webhook "${webhook.name}" denied the request: ${explanation}`;
  return { type: "denied", code, message, warnings: warningsOf(response) };
}

/** Reads a webhook's reply; a reply for another request (uid) or of another shape is a failed call. */
export function verdictOf(webhook: Webhook, uid: string, body: Json): Verdict {
  const response = isObject(body) && isObject(body["response"]) ? body["response"] : undefined;
  if (!isObject(body) || body["kind"] !== "AdmissionReview" || response === undefined) {
    return { type: "failed", message: `failed calling webhook "${webhook.name}": the response is not an AdmissionReview` };
  }
  if (response["uid"] !== uid) return { type: "failed", message: `failed calling webhook "${webhook.name}": expected response.uid="${uid}"` };
  if (response["allowed"] === true) return { type: "allowed", warnings: warningsOf(response) };
  return denial(webhook, response);
}
