/**
 * The built-in kinds every embedded cluster serves from the start. As on a real
 * cluster, only workload kinds are in the `all` category.
 */
import { builtinSchema } from "./builtin-schemas.ts";
import type { ResourceType, ScaleSubresource } from "./resource-type.ts";

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  shortNames: string[],
  statusSubresource: boolean,
  categories: string[] = [],
  scale?: ScaleSubresource,
): ResourceType {
  const schema = builtinSchema(kind);
  return {
    ...(scale === undefined ? {} : { scale }),
    ...(schema === undefined ? {} : { schema }),
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    categories,
    statusSubresource,
    strategicMerge: true,
  };
}

export const BUILTIN_TYPES: readonly ResourceType[] = [
  builtin("", "v1", "Namespace", "namespaces", false, ["ns"], true),
  builtin("", "v1", "ConfigMap", "configmaps", true, ["cm"], false),
  builtin("", "v1", "Secret", "secrets", true, [], false),
  builtin("", "v1", "ServiceAccount", "serviceaccounts", true, ["sa"], false),
  // What controllers (Koreo's handlers included) record about an object; `kubectl get events`, `kubectl describe`.
  builtin("", "v1", "Event", "events", true, ["ev"], false),
  builtin("", "v1", "Service", "services", true, ["svc"], true, ["all"]),
  // Objects only: no kubelet runs them; the workload simulator (src/local) writes their status.
  builtin("", "v1", "Pod", "pods", true, ["po"], true, ["all"]),
  builtin("apps", "v1", "Deployment", "deployments", true, ["deploy"], true, ["all"], {
    specReplicasPath: ".spec.replicas",
    statusReplicasPath: ".status.replicas",
    labelSelectorPath: ".spec.selector",
  }),
  builtin("batch", "v1", "Job", "jobs", true, [], true, ["all"]),
  builtin("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, ["crd", "crds"], true, ["api-extensions"]),
  // Read by admission/ on every write: the webhooks the server calls before storing an object.
  builtin("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false, [], false, ["api-extensions"]),
];

/** Namespaces that exist in every fresh cluster. */
export const INITIAL_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
