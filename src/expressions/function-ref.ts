/** `functionRef` resolution (EXPR-FN-20). */
import { isMap, type Value } from "../value/index.ts";
import { permFail } from "./errors.ts";
import type { Prepared } from "./index.ts";

export interface FunctionRef {
  readonly kind: "ValueFunction" | "ResourceFunction";
  readonly name: string;
}

const KINDS: ReadonlySet<string> = new Set(["ValueFunction", "ResourceFunction"]);

function present(v: Value | undefined): v is Value {
  return v !== undefined && v !== null && v !== "";
}

/** `undefined` when absent or empty ("none"); otherwise the named function or a PermFail. */
export function resolveFunctionRef(spec: Value | undefined, location: string): Prepared<FunctionRef | undefined> {
  const fail = (message: string): Prepared<never> => ({ ok: false, outcome: permFail(message, location) });
  if (spec === undefined || spec === null || (isMap(spec) && Object.keys(spec).length === 0)) return { ok: true, value: undefined };
  if (!isMap(spec)) return fail("Failed to process `functionRef`, expected object with `kind` and `name`.");
  const { kind, name } = spec;
  if (!present(kind)) return fail("Missing `functionRef.kind`.");
  if (!present(name)) return fail("Missing `functionRef.name`.");
  if (typeof kind !== "string" || !KINDS.has(kind)) return fail(`Invalid \`functionRef.kind\` (${String(kind)}).`);
  return { ok: true, value: { kind: kind as FunctionRef["kind"], name: String(name) } };
}
