import type { PermFail } from "../outcome/index.ts";
import type { Value, ValueMap } from "../value/index.ts";

export const KOREO_API_VERSION = "koreo.dev/v1beta1";
export const KOREO_KINDS = ["ValueFunction", "ResourceFunction", "ResourceTemplate", "Workflow", "FunctionTest"] as const;
export type KoreoKind = (typeof KOREO_KINDS)[number];

/**
 * Dependencies first (CTL-1): templates, ValueFunctions, ResourceFunctions, Workflows, and
 * FunctionTests last. Loading, applying and watching go in this order.
 */
export const DEPENDENCY_ORDER: readonly KoreoKind[] = ["ResourceTemplate", "ValueFunction", "ResourceFunction", "Workflow", "FunctionTest"];

export function byDependencyOrder(a: { readonly kind: KoreoKind }, b: { readonly kind: KoreoKind }): number {
  return DEPENDENCY_ORDER.indexOf(a.kind) - DEPENDENCY_ORDER.indexOf(b.kind);
}

/** The kinds a controller loads (FT-1: FunctionTests exist only for tooling). */
export const CONTROLLER_KINDS: readonly KoreoKind[] = DEPENDENCY_ORDER.filter((kind) => kind !== "FunctionTest");

/** Where a document, or a node inside it, came from. 1-based line/column. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * One Koreo document as loaded (from a file or the cluster), before preparation.
 * `positionOf` maps a field path (`spec.steps[2].inputs.x`) to where it sits in the
 * source, falling back to the nearest ancestor; documents from the cluster have none.
 */
export interface Definition {
  readonly kind: KoreoKind;
  readonly name: string;
  readonly namespace?: string;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly spec: ValueMap;
  /** The whole document (apiVersion, kind, metadata, spec, …). */
  readonly raw: ValueMap;
  readonly source?: SourcePosition;
  positionOf(path: string): SourcePosition | undefined;
  /** Where the scalar value at `path` starts (an expression string rather than its key); files only. */
  valuePositionOf?(path: string): SourcePosition | undefined;
}

/**
 * A problem found while loading or preparing, shaped for `file:line:col: severity: Kind/name: path: message`.
 * `info` lines tell, and never fail a command (CLI-11: a document that is not a Koreo kind).
 */
export interface Problem {
  readonly severity: "error" | "warning" | "info";
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  /** Field path inside the document, e.g. `spec.steps[0].label`. */
  readonly path?: string;
}

/** A definition reference `{kind, name}` (REG-1, WF-7). */
export interface DefinitionRef {
  readonly kind: KoreoKind;
  readonly name: string;
}

/**
 * Result of preparing one definition. A failed preparation is still an entry
 * (VAL-1, CTL-3): lookups can tell "not cached" from "not healthy".
 */
export type PrepareOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly dependsOn: readonly DefinitionRef[]; readonly warnings?: readonly Problem[] }
  | { readonly ok: false; readonly outcome: PermFail; readonly dependsOn: readonly DefinitionRef[]; readonly problems: readonly Problem[] };

/**
 * What each kind prepares into. Empty here: each kind's preparer module adds its entry by
 * declaration merging, so this layer names no engine type and no lookup needs a cast.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PreparedKinds {}

export type PreparedOf<K extends KoreoKind> = K extends keyof PreparedKinds ? PreparedKinds[K] : unknown;

/** What a preparer may look up while preparing (other definitions' current entries). */
export interface DefinitionLookup {
  get<K extends KoreoKind>(kind: K, name: string): RegistryEntry<PreparedOf<K>> | undefined;
}

export interface RegistryEntry<T = unknown> {
  readonly definition: Definition;
  readonly prepared: PrepareOutcome<T>;
  /** Bumped every time this entry is (re-)prepared; part of a Workflow's version (SRV-3). */
  readonly revision: number;
}

export type Preparer<T = unknown> = (definition: Definition, lookup: DefinitionLookup) => PrepareOutcome<T>;

export type Preparers = { readonly [K in KoreoKind]?: Preparer<PreparedOf<K>> };

/** A value keyed like the raw YAML, for documents that are not Koreo kinds (CRDs, Namespaces…). */
export interface ForeignDocument {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly raw: Value;
  readonly source?: SourcePosition;
}
