/**
 * A loaded set of definitions, prepared together for `koreo test` and `koreo
 * validate`. Everything is loaded first and prepared afterwards, kinds that others
 * refer to first, so file order never matters (FT-7 recommendation). Pure: the
 * caller reads the files.
 */
import type { Definition, DefinitionLookup, KoreoKind, Preparers, RegistryEntry } from "../definitions/definition.ts";

/** Referenced kinds before their referrers: templates and VFs (overlayRef) before RFs, functions before Workflows and tests. */
const PREPARE_ORDER: readonly KoreoKind[] = ["ResourceTemplate", "ValueFunction", "ResourceFunction", "Workflow", "FunctionTest"];

export interface PreparedProgram extends DefinitionLookup {
  /** Every prepared definition, in preparation order. */
  readonly entries: readonly RegistryEntry[];
}

export function prepareProgram(definitions: readonly Definition[], preparers: Preparers): PreparedProgram {
  const byKey = new Map<string, RegistryEntry>();
  const entries: RegistryEntry[] = [];
  const lookup: DefinitionLookup = { get: (kind, name) => byKey.get(key(kind, name)) };
  for (const kind of PREPARE_ORDER) {
    const preparer = preparers[kind];
    if (preparer === undefined) continue;
    for (const definition of definitions) {
      if (definition.kind !== kind) continue;
      const entry: RegistryEntry = { definition, prepared: preparer(definition, lookup), revision: 1 };
      // CACHE-1: keyed by kind and name; the loader already reported duplicates, the first one stays.
      if (!byKey.has(key(kind, definition.name))) byKey.set(key(kind, definition.name), entry);
      entries.push(entry);
    }
  }
  return { get: lookup.get, entries };
}

function key(kind: KoreoKind, name: string): string {
  return `${kind}\u0000${name}`;
}
