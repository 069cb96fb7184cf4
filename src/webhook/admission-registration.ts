/**
 * The ValidatingWebhookConfiguration that sends Koreo definitions to this webhook's
 * /admission route (pure): what `npm start` applies once its webhook listens, and the
 * in-code twin of infra/admission/validating-webhook.yaml.
 */
import type { KubeObject } from "../cluster/index.ts";
import { ADMISSION_PATH } from "./admission.ts";

export const ADMISSION_WEBHOOK_NAME = "definitions.koreo.dev";
export const ADMISSION_CONFIGURATION_NAME = "koreo-definitions";
export const KOREO_RESOURCES = ["valuefunctions", "resourcefunctions", "resourcetemplates", "workflows", "functiontests"] as const;

export interface AdmissionWebhookOptions {
  /** Fail (default): an unreachable webhook refuses Koreo writes. Ignore: they go through unchecked. */
  readonly failurePolicy?: "Fail" | "Ignore";
  readonly timeoutSeconds?: number;
  /** Base64 PEM of the CA that signed the webhook's certificate (HTTPS with a private CA). */
  readonly caBundle?: string;
  /** A metav1.LabelSelector on namespaces; default: every namespace. */
  readonly namespaceSelector?: KubeObject;
}

/** `webhookUrl` is the webhook's base URL (`http://127.0.0.1:8080`); the route is appended. */
export function localAdmissionWebhook(webhookUrl: string, options: AdmissionWebhookOptions = {}): KubeObject {
  const url = `${webhookUrl.replace(/\/+$/, "")}${ADMISSION_PATH}`;
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name: ADMISSION_CONFIGURATION_NAME, labels: { "app.kubernetes.io/name": "koreo" } },
    webhooks: [
      {
        name: ADMISSION_WEBHOOK_NAME,
        clientConfig: { url, ...(options.caBundle === undefined ? {} : { caBundle: options.caBundle }) },
        rules: [{ apiGroups: ["koreo.dev"], apiVersions: ["v1beta1"], resources: [...KOREO_RESOURCES], operations: ["CREATE", "UPDATE"], scope: "*" }],
        failurePolicy: options.failurePolicy ?? "Fail",
        sideEffects: "None",
        admissionReviewVersions: ["v1"],
        timeoutSeconds: BigInt(options.timeoutSeconds ?? 5),
        ...(options.namespaceSelector === undefined ? {} : { namespaceSelector: options.namespaceSelector }),
      },
    ],
  };
}
