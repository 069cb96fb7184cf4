/**
 * Ok | Skip | DepSkip | Retry | PermFail and how outcomes combine.
 * May import: value.
 */
/** @module outcome — the vocabulary every subsystem speaks (OUT-1..5). */
export * from "./outcome.ts";
export { combineOutcomes, renderOutcome } from "./combine.ts";
