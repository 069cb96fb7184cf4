import type { DefinitionLookup, DefinitionRef, RegistryEntry } from "../definitions/index.ts";
import { canonicalJson } from "../value/index.ts";
import { isMap } from "../value/index.ts";
import { sha256Hex } from "./sha256.ts";

const tokens = new WeakMap<RegistryEntry, string>();

/**
 * What identifies one version of a definition across processes. From a cluster: the
 * object's uid and `metadata.generation`, which only a spec change bumps — so writing a
 * definition's status (CRD-4) or labels does not count as a new version and re-run every
 * trigger; failing those, its resourceVersion. From files: a digest of its spec (files
 * carry no version). Never the process-local `revision`.
 */
function entryToken(entry: RegistryEntry): string {
  const cached = tokens.get(entry);
  if (cached !== undefined) return cached;
  const version = clusterVersion(entry) ?? `spec:${sha256Hex(canonicalJson(entry.definition.spec))}`;
  const token = `${entry.definition.kind}:${entry.definition.name}:${version}`;
  tokens.set(entry, token);
  return token;
}

function clusterVersion(entry: RegistryEntry): string | undefined {
  const metadata = entry.definition.raw.metadata;
  const uid = isMap(metadata) ? metadata.uid : undefined;
  const generation = isMap(metadata) ? metadata.generation : undefined;
  if (typeof uid === "string" && (typeof generation === "bigint" || typeof generation === "number")) return `${uid}@${generation}`;
  return entry.definition.resourceVersion;
}

/**
 * SRV-3: a digest of the Workflow and every definition it references, transitively
 * (through each prepared `dependsOn`), identical in every process holding the same definitions.
 */
export function workflowVersion(name: string, lookup: DefinitionLookup): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  const visit = (ref: DefinitionRef): void => {
    const key = `${ref.kind}:${ref.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const entry = lookup.get(ref.kind, ref.name);
    if (entry === undefined) {
      parts.push(`${key}:missing`);
      return;
    }
    parts.push(entryToken(entry));
    for (const dependency of entry.prepared.dependsOn) visit(dependency);
  };
  visit({ kind: "Workflow", name });
  return sha256Hex(parts.sort().join("\n"));
}
