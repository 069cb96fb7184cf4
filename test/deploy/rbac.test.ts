/** The shipped RBAC (infra/rbac/): one group per function identity; webhook and timer only read. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";

interface Rule {
  readonly verbs: string[];
}
interface Manifest {
  readonly kind: string;
  readonly metadata: { name: string };
  readonly rules?: Rule[];
  readonly subjects?: { kind: string; name: string }[];
}

function manifests(identity: string): Manifest[] {
  return parseAllDocuments(readFileSync(`infra/rbac/${identity}.yaml`, "utf8")).map((d) => d.toJS() as Manifest);
}

for (const identity of ["reconciler", "timer", "webhook"]) {
  test(`${identity}: a ClusterRole bound to the group koreo-${identity}`, () => {
    const docs = manifests(identity);
    assert.ok(docs.some((d) => d.kind === "ClusterRole" && d.metadata.name === `koreo-${identity}`));
    const binding = docs.find((d) => d.kind === "ClusterRoleBinding");
    assert.deepEqual(binding?.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: `koreo-${identity}` }]);
  });
}

for (const identity of ["timer", "webhook"]) {
  test(`${identity}: read-only verbs`, () => {
    const verbs = manifests(identity)
      .flatMap((d) => d.rules ?? [])
      .flatMap((r) => r.verbs);
    assert.ok(verbs.length > 0);
    for (const verb of verbs) assert.ok(["get", "list", "watch"].includes(verb), `${identity} may ${verb}`);
  });
}
