import type { Value } from "../value/index.ts";

/** OUT-1: every function, step and Workflow evaluation ends in exactly one of these. */
export type Outcome = Ok | Skip | DepSkip | Retry | PermFail;

export interface Ok {
  readonly kind: "Ok";
  readonly value: Value;
}
export interface Skip {
  readonly kind: "Skip";
  readonly message?: string;
  readonly location?: string;
}
export interface DepSkip {
  readonly kind: "DepSkip";
  readonly message?: string;
  readonly location?: string;
}
export interface Retry {
  readonly kind: "Retry";
  /** Whole seconds. */
  readonly delay: number;
  readonly message?: string;
  readonly location?: string;
}
export interface PermFail {
  readonly kind: "PermFail";
  readonly message?: string;
  readonly location?: string;
}

export type OutcomeKind = Outcome["kind"];

/** OUT-1: Retry's delay when none is given. */
export const DEFAULT_RETRY_DELAY = 60;

/** Absent text stays absent (no `message: undefined` keys), so outcomes compare with deepEqual. */
function withText<T extends object>(base: T, message?: string, location?: string): T {
  return {
    ...base,
    ...(message !== undefined ? { message } : {}),
    ...(location !== undefined ? { location } : {}),
  };
}

export const Outcome = Object.freeze({
  ok(value: Value): Ok {
    return { kind: "Ok", value };
  },
  skip(message?: string, location?: string): Skip {
    return withText({ kind: "Skip" as const }, message, location);
  },
  depSkip(message?: string, location?: string): DepSkip {
    return withText({ kind: "DepSkip" as const }, message, location);
  },
  retry(delay: number = DEFAULT_RETRY_DELAY, message?: string, location?: string): Retry {
    return withText({ kind: "Retry" as const, delay }, message, location);
  },
  permFail(message?: string, location?: string): PermFail {
    return withText({ kind: "PermFail" as const }, message, location);
  },
  /** OUT-2: Retry and PermFail are errors. */
  isError(o: Outcome): o is Retry | PermFail {
    return o.kind === "Retry" || o.kind === "PermFail";
  },
  /** OUT-2: Skip and DepSkip are skips. */
  isSkip(o: Outcome): o is Skip | DepSkip {
    return o.kind === "Skip" || o.kind === "DepSkip";
  },
  isOk(o: Outcome): o is Ok {
    return o.kind === "Ok";
  },
});

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
