/** REST paths of the Kubernetes API: `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export function collectionPath(apiVersion: string, plural: string, namespace: string | undefined): string {
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${groupVersionPath(apiVersion)}${scope}/${plural}`;
}

export function objectPath(apiVersion: string, plural: string, namespace: string | undefined, name: string, subresource?: "status"): string {
  const suffix = subresource ? `/${subresource}` : "";
  return `${collectionPath(apiVersion, plural, namespace)}/${encodeURIComponent(name)}${suffix}`;
}
