/**
 * Overlay bodies (EXPR-41/42, BODY-3): the spec map is split into leaves, all
 * leaves are evaluated in one program with `resource` bound to the base, and
 * the results are written into a deep copy of the base.
 */
import { cloneValue, isMap, keysOf, setEntry, type Value, type ValueMap } from "../value/index.ts";
import { compileValue, type InternalBody } from "./body.ts";
import type { CompiledOverlay, Evaluated, Scope } from "./index.ts";
import { literalKey } from "./literal.ts";

/** Key → leaf index, or a nested plan for a descended (non-empty, literal) map. */
type Plan = ReadonlyArray<readonly [string, number | Plan]>;

/** EXPR-41 step 1: descend into non-empty maps; everything else is a leaf. */
export function splitLeaves(spec: ValueMap, leaves: Value[]): Plan {
  return keysOf(spec).map((key) => {
    const v = spec[key] as Value;
    if (isMap(v) && Object.keys(v).length > 0) return [literalKey(key), splitLeaves(v, leaves)] as const;
    leaves.push(v);
    return [literalKey(key), leaves.length - 1] as const;
  });
}

/** EXPR-41 steps 3–4, on a target that is already a private copy. */
function apply(target: ValueMap, plan: Plan, values: readonly Value[]): void {
  for (const [key, node] of plan) {
    if (typeof node === "number") {
      setEntry(target, key, values[node] as Value);
      continue;
    }
    const current = Object.hasOwn(target, key) ? target[key] : undefined;
    const sub: ValueMap = isMap(current) ? current : {};
    setEntry(target, key, sub);
    apply(sub, node, values);
  }
}

export class Overlay implements CompiledOverlay {
  constructor(
    readonly location: string,
    private readonly plan: Plan,
    private readonly leaves: InternalBody,
  ) {}

  get references(): ReadonlySet<string> {
    return this.leaves.references;
  }

  apply(base: ValueMap, scope: Scope): Evaluated<ValueMap> {
    const evaluated = this.leaves.evaluate(scope, { resource: base });
    if (!evaluated.ok) return evaluated;
    const out = cloneValue(base);
    apply(out, this.plan, evaluated.value as Value[]);
    return { ok: true, value: out };
  }
}

export function compileOverlay(spec: ValueMap, location: string) {
  const leaves: Value[] = [];
  const plan = splitLeaves(spec, leaves);
  const body = compileValue(leaves, location);
  if (!body.ok) return body;
  return { ok: true as const, value: new Overlay(location, plan, body.value) };
}
