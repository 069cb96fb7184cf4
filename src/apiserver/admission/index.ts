/**
 * Validating admission webhooks for the embedded API server: the stored
 * admissionregistration.k8s.io/v1 ValidatingWebhookConfigurations are parsed once per
 * change to them and matched on every write, the webhooks whose rules match are called in
 * parallel, each bounded by its timeoutSeconds, and their verdicts combined as
 * kube-apiserver does: any denial refuses the write; a failed call refuses it under
 * `failurePolicy: Fail` and is logged and skipped under `Ignore`; warnings are returned
 * for the `Warning` header. Dry-run writes are validated too (the review says dryRun).
 * Reviewed: create, replace, patch and server-side apply (CREATE/UPDATE, subresources as
 * `plural/sub`); not reviewed: DELETE, and the scale subresource.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../../ports/index.ts";
import { ApiError, type StatusReason } from "../errors.ts";
import { meta, stringMap, type JsonObject } from "../json.ts";
import type { ResourceType } from "../resource-type.ts";
import type { ObjectStore } from "../store.ts";
import { postReview } from "./call.ts";
import { admissionReview, verdictOf, type Verdict } from "./review.ts";
import { mayApply, webhookApplies, webhooksOf, type Attributes, type Operation, type Webhook } from "./rules.ts";

export { type Operation } from "./rules.ts";

export const WEBHOOK_CONFIGURATION_RESOURCE = "admissionregistration.k8s.io/validatingwebhookconfigurations";
const NAMESPACE_RESOURCE = "/namespaces";
/** As kube-apiserver: webhook configurations are never sent to webhooks, so a broken webhook cannot lock itself in. */
const EXEMPT_GROUP = "admissionregistration.k8s.io";

export interface AdmissionRequest {
  readonly type: ResourceType;
  readonly subresource: string | undefined;
  readonly operation: Operation;
  readonly namespace: string;
  readonly name: string;
  readonly object: JsonObject | null;
  readonly oldObject: JsonObject | null;
  readonly dryRun: boolean;
  readonly username: string;
}

function resourceOf(type: ResourceType, subresource: string | undefined): string {
  return subresource === undefined ? type.plural : `${type.plural}/${subresource}`;
}

const labelsOf = (obj: JsonObject | null): Record<string, string> => (obj === null ? {} : stringMap(meta(obj)["labels"]));

const REASONS: Record<number, StatusReason> = { 400: "BadRequest", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 422: "Invalid" };

export class ValidatingAdmission {
  /** The webhooks of the stored configurations, read again only when those change. */
  private cached: { readonly revision: number; readonly webhooks: Webhook[] } | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly logger: Logger,
  ) {}

  private webhooks(): Webhook[] {
    const revision = this.store.revision(WEBHOOK_CONFIGURATION_RESOURCE);
    if (this.cached?.revision !== revision) this.cached = { revision, webhooks: webhooksOf(this.store.list(WEBHOOK_CONFIGURATION_RESOURCE)) };
    return this.cached.webhooks;
  }

  /** Cheap: whether a write of this kind could need a review at all (no review, no preview write). */
  applies(type: ResourceType, subresource: string | undefined, operation: Operation): boolean {
    if (type.group === EXEMPT_GROUP) return false;
    const webhooks = this.webhooks();
    if (webhooks.length === 0) return false;
    const base = { group: type.group, version: type.version, resource: resourceOf(type, subresource), operation, namespaced: type.namespaced };
    return mayApply(webhooks, base);
  }

  /** Warnings of every webhook that allowed the write; throws the Status error of a refusal. */
  async validate(request: AdmissionRequest): Promise<string[]> {
    if (request.type.group === EXEMPT_GROUP) return [];
    const attributes = this.attributes(request);
    const matching = this.webhooks().filter((w) => webhookApplies(w, attributes));
    const verdicts = await Promise.all(matching.map((w) => this.call(w, request, attributes)));
    const warnings: string[] = [];
    for (const [i, verdict] of verdicts.entries()) warnings.push(...this.settle(matching[i] as Webhook, verdict));
    return warnings;
  }

  private attributes(r: AdmissionRequest): Attributes {
    const ns = r.type.namespaced ? this.store.get(NAMESPACE_RESOURCE, "", r.namespace) : undefined;
    return {
      group: r.type.group,
      version: r.type.version,
      resource: resourceOf(r.type, r.subresource),
      operation: r.operation,
      namespaced: r.type.namespaced,
      namespaceLabels: ns === undefined ? undefined : labelsOf(ns),
      objectLabels: labelsOf(r.object),
      oldObjectLabels: r.oldObject === null ? undefined : labelsOf(r.oldObject),
    };
  }

  private async call(webhook: Webhook, r: AdmissionRequest, attributes: Attributes): Promise<Verdict> {
    if (webhook.url === undefined) {
      const target = webhook.service === undefined ? "no clientConfig.url" : `service ${webhook.service} cannot be reached from this server`;
      return { type: "failed", message: `failed calling webhook "${webhook.name}": ${target}` };
    }
    const uid = randomUUID();
    const review = admissionReview({
      uid,
      attributes,
      kind: r.type.kind,
      name: r.name,
      namespace: r.namespace,
      object: r.object,
      oldObject: r.oldObject,
      dryRun: r.dryRun,
      username: r.username,
    });
    try {
      const body = await postReview(webhook.url, review, { timeoutMs: webhook.timeoutSeconds * 1000, caBundle: webhook.caBundle });
      return verdictOf(webhook, uid, body);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { type: "failed", message: `failed calling webhook "${webhook.name}": failed to call webhook: Post "${webhook.url}": ${reason}` };
    }
  }

  /** The warnings of an allowed verdict; throws for a denial or a failure under Fail. */
  private settle(webhook: Webhook, verdict: Verdict): readonly string[] {
    if (verdict.type === "allowed") return verdict.warnings;
    if (verdict.type === "denied") throw new ApiError(verdict.code, REASONS[verdict.code] ?? "BadRequest", verdict.message);
    if (webhook.failurePolicy === "Fail") throw new ApiError(500, "InternalError", `Internal error occurred: ${verdict.message}`);
    this.logger.warn("admission webhook failed; failurePolicy Ignore lets the write through", { webhook: webhook.name, error: verdict.message });
    return [];
  }
}
