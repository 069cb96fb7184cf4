/**
 * The servable kinds, indexed the ways requests need them: by URL
 * (group/version/plural) and by object (apiVersion + kind). `generation` bumps on
 * every change so discovery and OpenAPI hashes follow CRD churn.
 */
import { apiVersionOf, type ResourceType } from "./resource-type.ts";

export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();
  private changes = 0;

  get generation(): number {
    return this.changes;
  }

  add(type: ResourceType): void {
    this.byPath.set(`${type.group}/${type.version}/${type.plural}`, type);
    this.byKind.set(`${apiVersionOf(type)}/${type.kind}`, type);
    this.changes++;
  }

  /** Withdraws every version a CRD served. */
  removeCrd(crdName: string): ResourceType[] {
    const removed = [...this.byPath.values()].filter((t) => t.crdName === crdName);
    for (const t of removed) {
      this.byPath.delete(`${t.group}/${t.version}/${t.plural}`);
      this.byKind.delete(`${apiVersionOf(t)}/${t.kind}`);
    }
    if (removed.length > 0) this.changes++;
    return removed;
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  lookupKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  all(): ResourceType[] {
    return [...this.byPath.values()];
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }

  /** Group → versions, core group excluded (it is served under /api). */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.byPath.values()) {
      if (t.group === "") continue;
      const versions = out.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      out.set(t.group, versions);
    }
    return out;
  }
}
