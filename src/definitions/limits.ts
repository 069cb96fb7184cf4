/**
 * Bounds on what the loader accepts, so a hostile or accidental input (a 20 MB file,
 * an alias bomb, a 10,000-deep nesting) becomes a clear error instead of exhausting
 * memory or the stack of a shared handler.
 */
export const LIMITS = Object.freeze({
  /** Bytes per file, checked before the file is read. */
  maxFileBytes: 4 * 1024 * 1024,
  /** YAML documents per file. */
  maxDocuments: 1000,
  /** Nodes produced by expanding aliases, per file (a "billion laughs" stops here). */
  maxAliasExpansion: 100_000,
  /** Nesting depth of maps and lists inside one document. */
  maxDepth: 128,
});
