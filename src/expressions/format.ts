/** Text forms that must match the reference's Python rendering (EXPR-88, EXPR-53, EXPR-FN-15). */

/**
 * Python's `repr(float)`: shortest round-trip digits, positional when the decimal
 * exponent is in [-4, 16) with at least one fractional digit, otherwise
 * `d[.ddd]e±XX` (EXPR-88: `1.5`, `3.0`, `1e+20`, `1e-05`, `-0.0`).
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // toExponential() without an argument gives the shortest round-trip digits.
  const [mantissa = "", expText = "0"] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
    const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const fraction = digits.slice(exp + 1);
    return `${sign}${whole}.${fraction === "" ? "0" : fraction}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = `${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return `${sign}${m}e${e}`;
}

/** Python's `str(bool)`. */
export function pythonBool(b: boolean): string {
  return b ? "True" : "False";
}

/** Orders strings by Unicode code point (Python's `sorted`), not by UTF-16 unit. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done === cb.done ? 0 : ca.done ? -1 : 1;
    const d = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}
