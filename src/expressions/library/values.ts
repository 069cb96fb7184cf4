/** Small helpers over CEL values shared by the Koreo functions. */
import { celType, isCelList, isCelMap, isCelType, isCelUint, type CelMap, type CelValue } from "@bufbuild/cel";
import { equals } from "@bufbuild/protobuf";
import { isReflectMessage } from "@bufbuild/protobuf/reflect";
import { KoreoFunctionError } from "../errors.ts";

/** "Truthy" in section 11: present and not null/false/0/0.0/""/[]/{}. */
export function isTruthy(v: CelValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === "" || v === 0 || v === 0n) return false;
  if (isCelList(v) || isCelMap(v)) return v.size > 0;
  if (isCelUint(v)) return v.value !== 0n;
  if (v instanceof Uint8Array) return v.length > 0;
  return true;
}

export function typeName(v: CelValue): string {
  return celType(v).name;
}

export function noOverload(fn: string, args: readonly CelValue[]): KoreoFunctionError {
  return new KoreoFunctionError(`found no matching overload for '${fn}' applied to '(${args.map(typeName).join(", ")})'`);
}

export function requireMap(fn: string, v: CelValue): CelMap {
  if (!isCelMap(v)) throw noOverload(fn, [v]);
  return v;
}

export function requireString(fn: string, v: CelValue, ...rest: CelValue[]): string {
  if (typeof v !== "string") throw noOverload(fn, [v, ...rest]);
  return v;
}

/** The value at `key`, or undefined when the key is absent (a null value is present). */
export function field(m: CelMap, key: string): CelValue | undefined {
  return m.get(key);
}

/**
 * CEL equality (EXPR-83): numbers across kinds, lists and maps structurally,
 * others by type and value; timestamps and durations are the only messages.
 */
export function celEquals(a: CelValue, b: CelValue): boolean {
  if (a === b) return true;
  const na = isCelUint(a) ? a.value : a;
  const nb = isCelUint(b) ? b.value : b;
  const numeric = (x: unknown): x is number | bigint => typeof x === "number" || typeof x === "bigint";
  if (numeric(na) && numeric(nb)) return na == nb;
  if (isCelList(a)) return isCelList(b) && a.size === b.size && [...a].every((x, i) => celEquals(x, b.get(i) as CelValue));
  if (isCelMap(a)) {
    if (!isCelMap(b) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      const other = b.get(k as never);
      if (other === undefined || !celEquals(v, other)) return false;
    }
    return true;
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  if (isCelType(a)) return isCelType(b) && a.kind === b.kind && a.name === b.name;
  return isReflectMessage(a) && isReflectMessage(b) && a.desc.typeName === b.desc.typeName && equals(a.desc, a.message, b.message);
}
