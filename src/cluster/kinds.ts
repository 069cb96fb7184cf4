import { isList, isMap, type Value } from "../value/index.ts";
import type { KindInfo, KubeObject } from "./cluster-api.ts";
import { stringAt } from "./object-meta.ts";

/** A kind the API server serves: what discovery would report for it. */
export interface KindSpec extends KindInfo {
  readonly apiVersion: string;
  readonly kind: string;
}

function kind(apiVersion: string, kind: string, plural: string, namespaced: boolean, hasStatus: boolean): KindSpec {
  return { apiVersion, kind, plural, namespaced, hasStatus };
}

/** The built-in kinds a fresh cluster serves (the ones Koreo programs commonly manage). */
export const BUILTIN_KINDS: readonly KindSpec[] = [
  kind("v1", "Namespace", "namespaces", false, true),
  kind("v1", "ConfigMap", "configmaps", true, false),
  kind("v1", "Secret", "secrets", true, false),
  kind("v1", "ServiceAccount", "serviceaccounts", true, false),
  kind("v1", "Service", "services", true, true),
  kind("v1", "Pod", "pods", true, true),
  kind("v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, true),
  kind("v1", "Event", "events", true, false),
  kind("apps/v1", "Deployment", "deployments", true, true),
  kind("apps/v1", "StatefulSet", "statefulsets", true, true),
  kind("apps/v1", "DaemonSet", "daemonsets", true, true),
  kind("batch/v1", "Job", "jobs", true, true),
  kind("batch/v1", "CronJob", "cronjobs", true, true),
  kind("networking.k8s.io/v1", "Ingress", "ingresses", true, true),
  kind("rbac.authorization.k8s.io/v1", "Role", "roles", true, false),
  kind("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true, false),
  kind("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false, false),
  kind("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false, false),
  kind("coordination.k8s.io/v1", "Lease", "leases", true, false),
  kind("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", false, true),
];

const CRD_API_VERSION = "apiextensions.k8s.io/v1";
const CRD_KIND = "CustomResourceDefinition";

export function isCrd(object: KubeObject): boolean {
  return object.apiVersion === CRD_API_VERSION && object.kind === CRD_KIND;
}

/** The kinds a CustomResourceDefinition serves: one per served version. */
export function kindsOfCrd(crd: KubeObject): KindSpec[] {
  const spec = isMap(crd.spec) ? crd.spec : undefined;
  const names = isMap(spec?.names) ? spec.names : undefined;
  const group = stringAt(spec, "group");
  const kindName = stringAt(names, "kind");
  const plural = stringAt(names, "plural");
  if (!group || !kindName || !plural) return [];
  const namespaced = stringAt(spec, "scope") !== "Cluster";
  const versions = isList(spec?.versions) ? spec.versions : [];
  return versions.flatMap((version: Value) => {
    if (!isMap(version) || version.served === false) return [];
    const name = stringAt(version, "name");
    if (!name) return [];
    const subresources = isMap(version.subresources) ? version.subresources : undefined;
    return [kind(`${group}/${name}`, kindName, plural, namespaced, isMap(subresources?.status))];
  });
}
